//! Checks of the board itself: disk space, memory, clock and network.

use std::path::Path;

use super::Check;

const GIB: u64 = 1 << 30;

/// Free space below this share of the disk gets a warning.
const WARN_FREE_PERCENT: u64 = 10;

/// Checks the free space of the file system that contains `data_dir`.
pub fn disk(data_dir: &Path) -> Check {
    let name = "disk";
    // The data folder may not exist yet on a new box, so its nearest existing
    // parent is measured instead, on the same file system unless one is mounted there later.
    let probe = data_dir.ancestors().find(|dir| dir.exists()).unwrap_or(Path::new("/"));
    let space = match crate::store::disk::disk_space(probe) {
        Ok(space) => space,
        Err(error) => {
            return Check::fail(name, format!("cannot read the free space of {}: {error}", probe.display()), "check that the data folder is mounted")
        }
    };
    let (free, total) = (space.available, space.total);
    let percent = free.saturating_mul(100).checked_div(total).unwrap_or(0);
    let detail = format!("{} free of {} ({percent}%) on {}", human(free), human(total), probe.display());
    if free < crate::store::disk::LOW_FREE_BYTES {
        Check::fail(name, detail, "the daemon is deleting the oldest recordings to keep answering: lower audio_retention_days in the profile, or move data_dir to a bigger disk")
    } else if percent < WARN_FREE_PERCENT {
        Check::warn(name, detail, "the oldest recordings go first when space runs low; consider a bigger disk or shorter retention")
    } else {
        Check::ok(name, detail)
    }
}

/// Checks that the board has the memory the default models need.
pub fn memory() -> Check {
    let name = "memory";
    let Ok(meminfo) = std::fs::read_to_string("/proc/meminfo") else {
        return Check::warn(name, "cannot read /proc/meminfo", "run on Linux");
    };
    let field = |key: &str| {
        meminfo
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
    };
    let (Some(total), Some(available)) = (field("MemTotal:"), field("MemAvailable:")) else {
        return Check::warn(name, "no MemTotal or MemAvailable in /proc/meminfo", "run on Linux 3.14 or newer");
    };
    let detail = format!("{} available of {}", human(available), human(total));
    // The daemon and the worker peak at about 1.4 GiB with the default models.
    if total < 3 * GIB {
        Check::warn(name, detail, "a board with 4 GB or more is needed for the default models")
    } else if available < 2 * GIB {
        Check::warn(name, detail, "other programs use the memory the models need; stop them")
    } else {
        Check::ok(name, detail)
    }
}

/// Checks that the kernel's clock is synchronised, because calls, bookings
/// and opening hours use it. A board without a real-time clock starts from
/// its last saved time after a power cut until the network gives it the time.
pub fn clock() -> Check {
    let name = "clock";
    let mut timex: libc::timex = unsafe { std::mem::zeroed() };
    // SAFETY: with `modes` zero, adjtimex only reads the kernel's state into `timex`.
    let state = unsafe { libc::adjtimex(&mut timex) };
    let now = crate::store::now_rfc3339();
    if state == -1 {
        let error = std::io::Error::last_os_error();
        return Check::warn(name, format!("{now}; cannot read the synchronisation state: {error}"), "check the time by hand");
    }
    if state == libc::TIME_ERROR {
        return Check::warn(
            name,
            format!("{now}, not synchronised"),
            "enable time synchronisation (`timedatectl set-ntp true`) and give the box a network, or set the time with `date`",
        );
    }
    Check::ok(name, format!("{now}, synchronised"))
}

/// Checks for a default route. Calls do not need one; recaps by e-mail and
/// webhooks wait in the outbox until there is one.
pub fn network() -> Check {
    let name = "network";
    let Ok(routes) = std::fs::read_to_string("/proc/net/route") else {
        return Check::warn(name, "cannot read /proc/net/route", "run on Linux");
    };
    match default_route(&routes) {
        Some(interface) => Check::ok(name, format!("default route through {interface}")),
        None => Check::warn(
            name,
            "no default route",
            "calls are answered, but e-mail and webhook recaps wait in the outbox until the box is on the network",
        ),
    }
}

/// Returns the interface of the IPv4 default route in `/proc/net/route`'s text.
fn default_route(routes: &str) -> Option<String> {
    routes.lines().skip(1).find_map(|line| {
        let mut fields = line.split_whitespace();
        let interface = fields.next()?;
        let destination = fields.next()?;
        (destination == "00000000").then(|| interface.to_string())
    })
}

/// Formats a byte count in GiB or MiB.
fn human(bytes: u64) -> String {
    if bytes >= GIB {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    } else {
        format!("{} MiB", bytes >> 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_route_found() {
        let table = "Iface\tDestination\tGateway\tFlags\n\
                     eth0\t0001A8C0\t00000000\t0001\n\
                     wlan0\t00000000\t0101A8C0\t0003\n";
        assert_eq!(default_route(table).as_deref(), Some("wlan0"));
        assert_eq!(default_route("Iface\tDestination\n"), None);
        assert_eq!(default_route(""), None);
    }

    #[test]
    fn disk_of_missing_folder_uses_parent() {
        let folder = tempfile::tempdir().unwrap();
        let check = disk(&folder.path().join("not/yet/made"));
        assert!(check.detail.contains(" free of "), "{check}");
        assert!(check.detail.contains(&folder.path().display().to_string()), "{check}");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(3 * GIB / 2), "1.5 GiB");
        assert_eq!(human(200 << 20), "200 MiB");
    }
}
