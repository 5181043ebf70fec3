//! One pseudo-terminal pair: the simulator plays the device on the master,
//! and the driver opens the slave by its path.

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// A pty pair. The master is non-blocking. The simulator keeps its own
/// handle on the slave, because once no slave handle is open the master's
/// reads fail with EIO.
pub(crate) struct Pty {
    master: File,
    /// Held only to keep the slave side alive between driver opens.
    _slave: File,
    slave_path: PathBuf,
}

impl Pty {
    /// Opens a new pair with the slave in raw mode without echo, as a USB
    /// serial device presents itself.
    pub(crate) fn open() -> io::Result<Pty> {
        // SAFETY: posix_openpt has no memory preconditions; the result is checked.
        let raw = unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: raw is a freshly opened fd that nothing else owns.
        let master = unsafe { File::from_raw_fd(raw) };
        // SAFETY: the fd is a valid pty master.
        check(unsafe { libc::grantpt(master.as_raw_fd()) })?;
        // SAFETY: the fd is a valid pty master.
        check(unsafe { libc::unlockpt(master.as_raw_fd()) })?;
        let slave_path = slave_name(master.as_raw_fd())?;

        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(&slave_path)?;
        make_raw(slave.as_raw_fd())?;
        set_nonblocking(master.as_raw_fd())?;
        Ok(Pty {
            master,
            _slave: slave,
            slave_path,
        })
    }

    /// Returns the slave's `/dev/pts/N` path.
    pub(crate) fn slave_path(&self) -> &Path {
        &self.slave_path
    }

    /// Returns the non-blocking master, which carries the device's side.
    pub(crate) fn master(&self) -> &File {
        &self.master
    }
}

fn check(result: libc::c_int) -> io::Result<()> {
    if result < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn slave_name(master: RawFd) -> io::Result<PathBuf> {
    let mut buffer = [0 as libc::c_char; 128];
    // SAFETY: ptsname_r writes at most buffer.len() bytes including the NUL.
    let result = unsafe { libc::ptsname_r(master, buffer.as_mut_ptr(), buffer.len()) };
    if result != 0 {
        return Err(io::Error::from_raw_os_error(result));
    }
    // SAFETY: on success ptsname_r stored a NUL-terminated string in buffer.
    let name = unsafe { CStr::from_ptr(buffer.as_ptr()) };
    Ok(PathBuf::from(name.to_string_lossy().into_owned()))
}

/// Puts the slave in raw mode: no echo, no CR/LF translation, 8-bit bytes.
/// Without it the line discipline would turn the device's CR into LF.
fn make_raw(slave: RawFd) -> io::Result<()> {
    // SAFETY: termios is plain data, fully written by tcgetattr before use.
    let mut settings: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: slave is an open tty fd and settings points to a termios.
    check(unsafe { libc::tcgetattr(slave, &mut settings) })?;
    // SAFETY: settings is a valid termios.
    unsafe { libc::cfmakeraw(&mut settings) };
    // SAFETY: slave is an open tty fd and settings is a valid termios.
    check(unsafe { libc::tcsetattr(slave, libc::TCSANOW, &settings) })
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_GETFL takes no pointer argument.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: F_SETFL takes an int argument.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) })
}
