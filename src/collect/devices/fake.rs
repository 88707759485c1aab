//! Fake sysfs trees laid out as the kernel lays them out: `/sys/block/X`
//! and `/sys/class/net/X` are symlinks into `/sys/devices`, `device` and
//! `device/driver` are symlinks too.

use crate::collect::procfs::scratch::ScratchDir;
use std::os::unix::fs::symlink;
use std::path::Path;

const SATA: &str = "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0";
const USB: &str = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host6/target6:0:0/6:0:0:0";
const NIC: &str = "/sys/devices/pci0000:00/0000:00:19.0";

pub struct Tree(pub ScratchDir);

impl Tree {
    pub fn new(label: &str) -> Self {
        let dir = ScratchDir::new(label);
        std::fs::create_dir_all(dir.path().join("sys/block")).expect("sys/block");
        std::fs::create_dir_all(dir.path().join("sys/class/net")).expect("sys/class/net");
        Tree(dir)
    }

    pub fn root(&self) -> &Path {
        self.0.path()
    }

    fn link(&self, machine_path: &str, target: &str) {
        let path = self.root().join(machine_path.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("link parent");
        }
        symlink(target, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    fn files(&self, dir: &str, files: &[(&str, &str)]) {
        for (name, text) in files {
            self.0.put(&format!("{dir}/{name}"), text.as_bytes());
        }
    }

    /// A disk behind `parent` (a SCSI device directory), or a virtual one
    /// when `parent` is `None`.
    pub fn disk(&self, name: &str, parent: Option<&str>, sectors: u64, removable: bool) {
        let dir = match parent {
            Some(parent) => format!("{parent}/block/{name}"),
            None => format!("/sys/devices/virtual/block/{name}"),
        };
        let size = format!("{sectors}\n");
        self.files(
            &dir,
            &[
                ("size", &size),
                ("removable", if removable { "1\n" } else { "0\n" }),
                ("queue/rotational", "1\n"),
            ],
        );
        if let Some(parent) = parent {
            let scsi = parent.rsplit('/').next().unwrap_or_default();
            self.link(&format!("{dir}/device"), &format!("../../../{scsi}"));
        }
        self.link(&format!("/sys/block/{name}"), &format!("..{}", &dir[4..]));
    }

    pub fn sata_disk(&self, name: &str, sectors: u64) {
        self.files(
            SATA,
            &[("model", "ST500DM002-1BD14\n"), ("vendor", "ATA     \n")],
        );
        self.disk(name, Some(SATA), sectors, false);
    }

    pub fn usb_stick(&self, name: &str, sectors: u64) {
        self.files(
            USB,
            &[("model", "Cruzer Blade    \n"), ("vendor", "SanDisk \n")],
        );
        self.disk(name, Some(USB), sectors, true);
    }

    /// An interface; `nic` puts a PCI device with `driver` behind it.
    pub fn interface(&self, name: &str, driver: Option<&str>, files: &[(&str, &str)]) {
        let dir = match driver {
            Some(driver) => {
                self.link(
                    &format!("{NIC}/driver"),
                    &format!("../../../bus/pci/drivers/{driver}"),
                );
                let dir = format!("{NIC}/net/{name}");
                self.link(&format!("{dir}/device"), "../../../0000:00:19.0");
                dir
            }
            None => format!("/sys/devices/virtual/net/{name}"),
        };
        self.files(&dir, files);
        self.link(
            &format!("/sys/class/net/{name}"),
            &format!("../..{}", &dir[4..]),
        );
    }

    /// Two fixed disks (one too small), a USB stick, an md array and a
    /// loop device; a cabled e1000e port, a bridge and loopback.
    pub fn server() -> Self {
        let tree = Tree::new("devices-server");
        tree.sata_disk("sda", 976_773_168); // 500 GB
        tree.usb_stick("sdb", 62_530_624); // 32 GB
        tree.disk("md0", None, 209_715_200, false);
        tree.disk("loop0", None, 1024, false);
        tree.interface(
            "eth0",
            Some("e1000e"),
            &[
                ("address", "00:1E:C9:AA:BB:CC\n"),
                ("operstate", "up\n"),
                ("carrier", "1\n"),
                ("speed", "1000\n"),
            ],
        );
        tree.interface(
            "xenbr0",
            None,
            &[
                ("address", "00:1e:c9:aa:bb:cc\n"),
                ("operstate", "unknown\n"),
                ("carrier", "1\n"),
            ],
        );
        tree.interface(
            "lo",
            None,
            &[
                ("address", "00:00:00:00:00:00\n"),
                ("operstate", "unknown\n"),
            ],
        );
        tree
    }
}
