use serde::Serialize;

/// A whole disk from `/sys/block` (partitions are not listed there).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BlockDevice {
    /// Kernel name: `sda`, `nvme0n1`, `md0`, `dm-0`.
    pub name: String,
    /// `size` × 512: the kernel counts 512-byte sectors whatever the
    /// device's own block size.
    pub size_bytes: Option<u64>,
    /// `removable`: USB sticks, card readers, optical drives.
    pub removable: Option<bool>,
    /// `queue/rotational`: a spinning disk.
    pub rotational: Option<bool>,
    pub model: Option<String>,
    pub vendor: Option<String>,
    /// Software devices (md RAID, device-mapper): built on other disks, not
    /// a place to install to.
    pub virtual_device: bool,
    /// The device sits behind USB (its sysfs path runs through a USB
    /// controller).
    pub usb: bool,
}

impl BlockDevice {
    /// A disk an installer could use: physical and not removable, so the
    /// USB stick the probe booted from does not count.
    pub fn is_install_candidate(&self) -> bool {
        !self.virtual_device && self.removable != Some(true)
    }
}

/// A network interface from `/sys/class/net` (loopback left out).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct NetInterface {
    pub name: String,
    /// Driver bound to the device (`e1000e`, `bnx2`, `tg3`).
    pub driver: Option<String>,
    /// `address`, the MAC.
    pub mac: Option<String>,
    /// `operstate`: up, down, unknown, dormant, ...
    pub operstate: Option<String>,
    /// `carrier`: the link is up. Unreadable while the interface is down.
    pub carrier: Option<bool>,
    /// `speed` in Mbit/s; `None` when the link is down (-1 or unreadable).
    pub speed_mbps: Option<u32>,
    /// No `device` link: a bridge, bond, VLAN, tunnel or Xen backend, not a
    /// network card.
    pub virtual_device: bool,
}

impl NetInterface {
    /// Link is up by carrier, or by operstate when carrier is unknown.
    pub fn has_link(&self) -> bool {
        match self.carrier {
            Some(carrier) => carrier,
            None => self.operstate.as_deref() == Some("up"),
        }
    }
}
