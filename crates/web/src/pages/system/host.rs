//! Disk and memory of the board, read from the kernel.

use std::path::Path;

use standardiste_store::disk::DiskSpace;

/// Memory of the board and of this process, in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub total: u64,
    pub available: u64,
    /// Resident memory of the daemon's own process.
    pub process: u64,
}

/// Reads the disk that contains `folder`, or `None` when it cannot be read.
pub fn disk(folder: &Path) -> Option<DiskSpace> {
    standardiste_store::disk::disk_space(folder).ok()
}

/// Reads the board's memory from `/proc/meminfo` and this process's from `/proc/self/status`.
pub fn memory() -> Memory {
    let field = |text: &str, name: &str| -> u64 {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    };
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    Memory {
        total: field(&meminfo, "MemTotal:"),
        available: field(&meminfo, "MemAvailable:"),
        process: field(&status, "VmRSS:"),
    }
}

/// Bytes in the unit that reads best: `512 MB`, `3.4 GB`.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = count as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_read() {
        let memory = memory();
        assert!(memory.total > 0);
        assert!(memory.process > 0);
    }

    #[test]
    fn byte_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3_400_000_000), "3.4 GB");
        assert_eq!(bytes(250_000_000), "250 MB");
    }
}
