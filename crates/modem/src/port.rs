//! A serial port (or the slave side of a pseudo-terminal) in raw mode, read
//! and written asynchronously through tokio's reactor.
//!
//! USB modems come and go: when the device is unplugged, reads end with EOF,
//! EIO or a hang-up, which [`SerialPort`] reports as end of stream so the
//! driver can reopen the port by its path.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// An open serial port in raw mode, 8N1, without flow control.
pub struct SerialPort {
    fd: AsyncFd<OwnedFd>,
}

impl SerialPort {
    /// Opens `path` at `baud` bits per second. A pty ignores the speed.
    pub fn open(path: &Path, baud: u32) -> io::Result<SerialPort> {
        let fd = open_nonblocking(path)?;
        configure_raw(fd.as_raw_fd(), baud)?;
        // NOTE: the port is not opened exclusively (TIOCEXCL), because a
        // reopen right after an unplug could then fail while the old
        // descriptor closes. Another program reading the port, such as
        // ModemManager probing a GSM module, takes the modem's replies.
        // Discards bytes that a previous user of the port left in its buffers.
        // SAFETY: the fd is open and owned by `fd`.
        unsafe { libc::tcflush(fd.as_raw_fd(), libc::TCIOFLUSH) };
        // SAFETY: `fd` is an open descriptor that the AsyncFd takes ownership
        // of, so it stays open and refers to the same port for its whole lifetime.
        let fd = unsafe { AsyncFd::register(fd) }.map_err(|error| io::Error::new(io::ErrorKind::Other, error.to_string()))?;
        Ok(SerialPort { fd })
    }

    /// Reads the modem-status lines (TIOCMGET): a bit set of `libc::TIOCM_*`.
    /// Ptys do not have them and return an error.
    pub fn modem_status(&self) -> io::Result<i32> {
        let mut bits: libc::c_int = 0;
        // SAFETY: TIOCMGET writes one c_int through the pointer.
        let result = unsafe { libc::ioctl(self.fd.as_raw_fd(), libc::TIOCMGET, &mut bits) };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(bits)
    }
}

impl AsRawFd for SerialPort {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

fn open_nonblocking(path: &Path) -> io::Result<OwnedFd> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "port path contains a NUL byte"))?;
    // SAFETY: c_path is a valid C string; the returned fd is checked.
    let raw = unsafe {
        libc::open(c_path.as_ptr(), libc::O_RDWR | libc::O_NOCTTY | libc::O_NONBLOCK | libc::O_CLOEXEC)
    };
    if raw < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: raw is a freshly opened fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

fn configure_raw(fd: RawFd, baud: u32) -> io::Result<()> {
    // SAFETY: termios is plain data, filled by tcgetattr before use.
    let mut tio: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut tio) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: tio was initialised by tcgetattr.
    unsafe { libc::cfmakeraw(&mut tio) };
    tio.c_cflag |= libc::CLOCAL | libc::CREAD;
    tio.c_cflag &= !(libc::CRTSCTS | libc::CSTOPB | libc::PARENB);
    tio.c_iflag &= !(libc::IXON | libc::IXOFF | libc::IXANY);
    tio.c_cc[libc::VMIN] = 1;
    tio.c_cc[libc::VTIME] = 0;
    let speed = baud_constant(baud)?;
    // SAFETY: tio is initialised; speed is one of the libc B* constants.
    unsafe {
        libc::cfsetispeed(&mut tio, speed);
        libc::cfsetospeed(&mut tio, speed);
    }
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &tio) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn baud_constant(baud: u32) -> io::Result<libc::speed_t> {
    Ok(match baud {
        9_600 => libc::B9600,
        19_200 => libc::B19200,
        38_400 => libc::B38400,
        57_600 => libc::B57600,
        115_200 => libc::B115200,
        230_400 => libc::B230400,
        460_800 => libc::B460800,
        921_600 => libc::B921600,
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unsupported baud rate {other}; use 9600, 19200, 38400, 57600, 115200, 230400, 460800 or 921600"),
            ))
        }
    })
}

/// Whether a read error means the device is gone rather than a passing fault.
fn is_gone(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(libc::EIO) | Some(libc::ENXIO) | Some(libc::ENODEV))
}

impl AsyncRead for SerialPort {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            let fd = guard.get_inner().as_raw_fd();
            // SAFETY: unfilled is a valid, initialised, writable buffer of that length.
            let n = unsafe { libc::read(fd, unfilled.as_mut_ptr().cast(), unfilled.len()) };
            if n >= 0 {
                buf.advance(n as usize);
                return Poll::Ready(Ok(()));
            }
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::WouldBlock {
                guard.clear_ready();
                continue;
            }
            if is_gone(&error) {
                // Reported as end of stream: the device was unplugged or the pty master closed.
                return Poll::Ready(Ok(()));
            }
            return Poll::Ready(Err(error));
        }
    }
}

impl AsyncWrite for SerialPort {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.fd.poll_write_ready(cx))?;
            let fd = guard.get_inner().as_raw_fd();
            // SAFETY: data is a valid readable buffer of that length.
            let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
            if n >= 0 {
                return Poll::Ready(Ok(n as usize));
            }
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::WouldBlock {
                guard.clear_ready();
                continue;
            }
            return Poll::Ready(Err(error));
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
