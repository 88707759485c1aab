use super::*;

const SEED: &str = include_str!("../../../tests/data/klog/xs65-extlinux.conf");

fn decoded(path: &str, text: &str) -> BootFacts {
    let mut files = BTreeMap::new();
    files.insert(path.to_string(), text.to_string());
    decode(&files).unwrap_or_default()
}

#[test]
fn the_seed_extlinux_conf() {
    let boot = decoded("/boot/extlinux.conf", SEED);
    let titles: Vec<&str> = boot
        .entries
        .iter()
        .filter_map(|e| e.title.as_deref())
        .collect();
    assert_eq!(titles, vec!["xe", "xe-serial", "safe", "fallback"]);
    let xe = boot.entries.first().cloned().unwrap_or_default();
    assert!(xe.default);
    assert_eq!(xe.file, "/boot/extlinux.conf");
    let xen = xe.xen.unwrap_or_default();
    assert_eq!(xen.line, 10);
    assert_eq!(xen.directive, "append");
    assert_eq!(xen.image, "/boot/xen.gz");
    assert_eq!(
        xen.options,
        vec!["dom0_mem=752M,max:752M", "watchdog", "nim=ignore"]
    );
    assert_eq!(xen.option("nmi"), None);
    assert_eq!(xen.option("watchdog"), Some(""));
    assert!(xen.dom0.as_deref().is_some_and(|d| d
        .starts_with("/boot/vmlinuz-3.10-xen root=LABEL=root-ymkabc")
        && d.ends_with("--- /boot/initrd-3.10-xen.img")));
    assert_eq!(boot.xen_entries().count(), 4);
    assert_eq!(boot.next_boot_xen_entries().len(), 1);
    let fallback = boot
        .entries
        .get(3)
        .and_then(|e| e.xen.clone())
        .unwrap_or_default();
    assert_eq!(fallback.image, "/boot/xen-4.4.1-xs100346.gz");
}

#[test]
fn a_plain_linux_extlinux_has_no_xen_entry() {
    let boot = decoded(
        "/boot/extlinux/extlinux.conf",
        "DEFAULT linux\nLABEL linux\n  KERNEL /vmlinuz-xen-tools\n  APPEND root=/dev/sda1 ro\n",
    );
    assert_eq!(boot.entries.len(), 1);
    assert!(boot.entries.iter().all(|e| e.xen.is_none() && e.default));
}

/// Shaped like XCP-ng 8's /boot/grub/grub.cfg.
const XCP_NG: &str = r#"serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set default=0
set timeout=5
menuentry 'XCP-ng' {
	search --label --set root root-abcdef
	multiboot2 /boot/xen.gz dom0_mem=7584M,max:7584M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G console=vga vga=mode-0x0311
	module2 /boot/vmlinuz-4.19-xen root=LABEL=root-abcdef ro nolvm hpet=disable console=hvc0 console=tty0 quiet vga=785 splash plymouth.ignore-serial-consoles
	module2 /boot/initrd-4.19-xen.img
}
menuentry 'XCP-ng (Serial)' {
	search --label --set root root-abcdef
	multiboot2 /boot/xen.gz com1=115200,8n1 console=com1,vga dom0_mem=7584M,max:7584M watchdog ucode=scan
	module2 /boot/vmlinuz-4.19-xen root=LABEL=root-abcdef ro console=tty0 console=hvc0
	module2 /boot/initrd-4.19-xen.img
}
"#;

#[test]
fn an_xcp_ng_grub_cfg() {
    let boot = decoded("/boot/grub/grub.cfg", XCP_NG);
    assert_eq!(boot.entries.len(), 2);
    let first = boot.entries.first().cloned().unwrap_or_default();
    assert_eq!(first.title.as_deref(), Some("XCP-ng"));
    assert!(first.default);
    let xen = first.xen.unwrap_or_default();
    assert_eq!((xen.line, xen.directive.as_str()), (8, "multiboot2"));
    assert_eq!(xen.option("dom0_mem"), Some("7584M,max:7584M"));
    assert_eq!(xen.dom0, None);
    assert!(boot
        .entries
        .get(1)
        .is_some_and(|e| !e.default && e.xen.is_some()));
}

/// Shaped like a Debian grub.cfg with the Xen entries in a submenu and
/// GRUB_DEFAULT naming one by its path.
const DEBIAN: &str = r#"function load_video {
  if [ x$feature_all_video_module = xy ]; then
    insmod all_video
  fi
}
if [ "${next_entry}" ] ; then
   set default="${next_entry}"
else
   set default="1>0"
fi
menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-1234' {
	linux	/boot/vmlinuz-6.1.0-18-amd64 root=UUID=1234 ro quiet
}
submenu 'Debian GNU/Linux, with Xen hypervisor' $menuentry_id_option 'gnulinux-xen-1234' {
	menuentry 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-18-amd64' --class debian $menuentry_id_option 'xen-gnulinux-simple-1234' {
		echo	'Loading Xen 4.17-amd64 ...'
		multiboot2	/boot/xen-4.17-amd64.gz placeholder dom0_mem=2G,max:2G nmi=dom0 ${xen_rm_opts}
		module2	/boot/vmlinuz-6.1.0-18-amd64 placeholder root=UUID=1234 ro quiet
	}
	menuentry 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-18-amd64 (recovery mode)' {
		multiboot2	/boot/xen-4.17-amd64.gz placeholder dom0_mem=2G,max:2G
	}
}
"#;

#[test]
fn a_debian_grub_cfg_with_a_xen_submenu() {
    let boot = decoded("/boot/grub/grub.cfg", DEBIAN);
    assert_eq!(boot.entries.len(), 3);
    assert!(boot
        .entries
        .first()
        .is_some_and(|e| e.xen.is_none() && !e.default));
    let xen_entry = boot.entries.get(1).cloned().unwrap_or_default();
    assert!(xen_entry.default, "1>0 is the first entry of the submenu");
    let xen = xen_entry.xen.unwrap_or_default();
    assert_eq!(xen.image, "/boot/xen-4.17-amd64.gz");
    assert_eq!(
        xen.options,
        vec!["dom0_mem=2G,max:2G", "nmi=dom0", "${xen_rm_opts}"]
    );
    assert_eq!(xen.option("nmi"), Some("dom0"));
    assert_eq!(boot.next_boot_xen_entries().len(), 1);

    let by_id = DEBIAN.replace("\"1>0\"", "\"xen-gnulinux-simple-1234\"");
    let boot = decoded("/boot/grub/grub.cfg", &by_id);
    assert!(boot.entries.get(1).is_some_and(|e| e.default));
    let saved = DEBIAN.replace("set default=\"1>0\"", "set default=\"${saved_entry}\"");
    let boot = decoded("/boot/grub/grub.cfg", &saved);
    assert!(boot.entries.iter().all(|e| !e.default));
    assert_eq!(boot.next_boot_xen_entries().len(), 2);
}

#[test]
fn grub_legacy_and_defaults() {
    let boot = decoded(
        "/boot/grub/menu.lst",
        "default=1\ntimeout=5\ntitle CentOS (2.6.18-398.el5)\n\troot (hd0,0)\n\tkernel /vmlinuz-2.6.18-398.el5 ro root=/dev/sda2\n\
title CentOS (2.6.18-398.el5xen)\n\troot (hd0,0)\n\tkernel /xen.gz-2.6.18-398.el5 dom0_mem=1024M\n\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/sda2\n",
    );
    assert_eq!(boot.entries.len(), 2);
    let xen_entry = boot.entries.get(1).cloned().unwrap_or_default();
    assert!(xen_entry.default);
    let xen = xen_entry.xen.unwrap_or_default();
    assert_eq!((xen.line, xen.directive.as_str()), (8, "kernel"));
    assert_eq!(xen.options, vec!["dom0_mem=1024M"]);
    assert!(boot.entries.first().is_some_and(|e| e.xen.is_none()));

    let boot = decoded(
        "/etc/default/grub",
        "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"quiet\"\nGRUB_CMDLINE_XEN_DEFAULT=\"dom0_mem=2G nmi=dom0\"\nexport GRUB_CMDLINE_XEN='watchdog'\n",
    );
    let settings: Vec<(&str, &str, u64)> = boot
        .grub_xen_settings
        .iter()
        .map(|s| (s.key.as_str(), s.value.as_str(), s.line))
        .collect();
    assert_eq!(
        settings,
        vec![
            ("GRUB_CMDLINE_XEN_DEFAULT", "dom0_mem=2G nmi=dom0", 3),
            ("GRUB_CMDLINE_XEN", "watchdog", 4)
        ]
    );
}

#[test]
fn files_that_are_no_bootloader_config_are_ignored() {
    let mut files = BTreeMap::new();
    files.insert(
        "/proc/cmdline".to_string(),
        "BOOT_IMAGE=/vmlinuz".to_string(),
    );
    assert_eq!(decode(&files), None);
}

#[test]
fn garbage_and_every_prefix_never_panic() {
    for (path, text) in [
        ("/boot/extlinux.conf", SEED),
        ("/boot/grub/grub.cfg", XCP_NG),
        ("/boot/grub/grub.cfg", DEBIAN),
    ] {
        for end in 0..=text.len() {
            if let Some(prefix) = text.get(..end) {
                let _ = decoded(path, prefix);
            }
        }
        let mut bytes = text.as_bytes().to_vec();
        let mut seed: u32 = 7;
        for _ in 0..500 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let at = (seed >> 8) as usize % bytes.len();
            bytes[at] = b"{}'\"\\ >-=\n"[(seed >> 24) as usize % 10];
            let _ = decoded(path, &String::from_utf8_lossy(&bytes));
        }
    }
}
