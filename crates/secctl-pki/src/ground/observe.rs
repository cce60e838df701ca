//! What library code reports while it waits (the state lock held by another process):
//! the binary installs an [`Observer`] that shows it on stderr (a note and a spinner); a
//! program that uses the library and installs none is told nothing. Library code never
//! prints itself.

use std::sync::OnceLock;

/// Receives the notes and waits of library code.
pub trait Observer: Send + Sync {
    /// A one-line note for the user.
    fn note(&self, msg: &str);
    /// A wait described by `msg` begins; it ends when the returned [`Waiting`] is dropped.
    fn wait(&self, msg: &str) -> Waiting;
}

/// A wait in progress: dropping it ends the wait (the binary's spinner goes away).
pub struct Waiting {
    _shown: Option<Box<dyn Send>>,
}

impl Waiting {
    /// A wait nobody is shown.
    pub fn unseen() -> Waiting {
        Waiting { _shown: None }
    }

    /// A wait shown by `guard` (a spinner) until the wait ends.
    pub fn shown(guard: Box<dyn Send>) -> Waiting {
        Waiting {
            _shown: Some(guard),
        }
    }
}

static OBSERVER: OnceLock<Box<dyn Observer>> = OnceLock::new();

/// Install the observer of this process; the first one installed stays.
pub fn install(observer: Box<dyn Observer>) {
    let _ = OBSERVER.set(observer);
}

/// Tell the observer a note (nobody, when none is installed).
pub fn note(msg: &str) {
    if let Some(o) = OBSERVER.get() {
        o.note(msg);
    }
}

/// Tell the observer a wait begins; it ends when the result is dropped.
pub fn wait(msg: &str) -> Waiting {
    OBSERVER.get().map_or_else(Waiting::unseen, |o| o.wait(msg))
}
