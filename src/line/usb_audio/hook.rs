//! The line interface's hook side on a serial port's modem lines: the ring
//! detector and the loop-current detector drive modem-status inputs, and a
//! modem-control output drives the off-hook relay.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// A modem-status input of the serial port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Ring indicator (TIOCM_RI).
    Ri,
    /// Data carrier detect (TIOCM_CD).
    Dcd,
    /// Data set ready (TIOCM_DSR).
    Dsr,
    /// Clear to send (TIOCM_CTS).
    Cts,
}

impl Signal {
    fn mask(self) -> libc::c_int {
        match self {
            Signal::Ri => libc::TIOCM_RI,
            Signal::Dcd => libc::TIOCM_CD,
            Signal::Dsr => libc::TIOCM_DSR,
            Signal::Cts => libc::TIOCM_CTS,
        }
    }
}

/// A modem-control output of the serial port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Data terminal ready (TIOCM_DTR).
    Dtr,
    /// Request to send (TIOCM_RTS).
    Rts,
}

impl Output {
    fn mask(self) -> libc::c_int {
        match self {
            Output::Dtr => libc::TIOCM_DTR,
            Output::Rts => libc::TIOCM_RTS,
        }
    }
}

/// Assignment of the line interface's signals to serial lines, because
/// interface boards are wired differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookWiring {
    /// Input that pulses while the line rings.
    pub ring: Signal,
    /// Input that is high while loop current flows, or `None` when the
    /// interface has no loop-current detector. Without it the driver cannot
    /// see the caller hang up, and the call loop ends the call on silence.
    pub loop_current: Option<Signal>,
    /// Output that closes the off-hook relay while asserted.
    pub off_hook: Output,
}

impl Default for HookWiring {
    /// Ring on RI, loop current on DCD, off-hook relay on DTR.
    fn default() -> HookWiring {
        HookWiring { ring: Signal::Ri, loop_current: Some(Signal::Dcd), off_hook: Output::Dtr }
    }
}

/// Levels of the modem-status inputs read at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InputLevels {
    bits: libc::c_int,
}

impl InputLevels {
    /// Builds levels with the given inputs asserted, for test doubles and simulators.
    pub fn with_active(signals: &[Signal]) -> InputLevels {
        let bits = signals.iter().fold(0, |bits, signal| bits | signal.mask());
        InputLevels { bits }
    }

    /// Whether `signal` is asserted.
    pub fn is_active(self, signal: Signal) -> bool {
        self.bits & signal.mask() != 0
    }
}

/// The serial port's modem lines, the boundary between the driver and the
/// line interface's hardware.
///
/// Every method returns at once (no method waits for a signal), so the
/// driver may call them from async code. An error from `read_inputs` or
/// `set_output` means the port is gone, for instance a USB adapter that was
/// unplugged. The driver then closes it and calls `open` again with backoff.
pub trait ModemLines: Send {
    /// Path of the port, for logs and errors.
    fn path(&self) -> &str;

    /// Opens the port, closing it first if it is open.
    fn open(&mut self) -> io::Result<()>;

    /// Closes the port; the off-hook output then follows the driver's
    /// default, which is de-asserted on Linux serial drivers.
    fn close(&mut self);

    /// Reads the current levels of the modem-status inputs.
    fn read_inputs(&mut self) -> io::Result<InputLevels>;

    /// Asserts or clears a modem-control output.
    fn set_output(&mut self, output: Output, asserted: bool) -> io::Result<()>;
}

/// [`ModemLines`] on a serial device, through the TIOCMGET, TIOCMBIS and
/// TIOCMBIC ioctls.
///
/// Linux raises DTR and RTS whenever a tty is opened, so the driver clears
/// the off-hook output right after every `open`. DTR is therefore high for
/// the time between two system calls, far shorter than a relay's operate
/// time. A pseudo-terminal does not implement these ioctls (Linux returns
/// ENOTTY), so this type needs a real serial port.
#[derive(Debug)]
pub struct SerialModemLines {
    path: String,
    fd: Option<OwnedFd>,
}

impl SerialModemLines {
    /// Creates the port handle without opening it.
    pub fn new(path: &str) -> SerialModemLines {
        SerialModemLines { path: path.to_string(), fd: None }
    }

    fn raw_fd(&self) -> io::Result<libc::c_int> {
        self.fd
            .as_ref()
            .map(AsRawFd::as_raw_fd)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, format!("{} is not open", self.path)))
    }
}

impl ModemLines for SerialModemLines {
    fn path(&self) -> &str {
        &self.path
    }

    fn open(&mut self) -> io::Result<()> {
        self.close();
        let path = CString::new(self.path.as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "the serial port path contains a NUL byte"))?;
        // O_NONBLOCK keeps open() from waiting for DCD, which is low while the line is idle.
        let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_NONBLOCK | libc::O_CLOEXEC;
        // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
        let fd = unsafe { libc::open(path.as_ptr(), flags) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by open() and nothing else owns it.
        self.fd = Some(unsafe { OwnedFd::from_raw_fd(fd) });
        Ok(())
    }

    fn close(&mut self) {
        self.fd = None;
    }

    fn read_inputs(&mut self) -> io::Result<InputLevels> {
        let fd = self.raw_fd()?;
        let mut bits: libc::c_int = 0;
        // SAFETY: TIOCMGET writes one c_int through the pointer, which is valid for the call.
        let result = unsafe { libc::ioctl(fd, libc::TIOCMGET, &mut bits) };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(InputLevels { bits })
    }

    fn set_output(&mut self, output: Output, asserted: bool) -> io::Result<()> {
        let fd = self.raw_fd()?;
        let request = if asserted { libc::TIOCMBIS } else { libc::TIOCMBIC };
        let bits: libc::c_int = output.mask();
        // SAFETY: TIOCMBIS and TIOCMBIC read one c_int through the pointer, which is valid for the call.
        let result = unsafe { libc::ioctl(fd, request, &bits) };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}
