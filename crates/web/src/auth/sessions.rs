//! Browser sessions, kept in memory: a restart signs everyone out.
//!
//! Every visitor gets a session on the first page, so that the sign-in and
//! set-up forms carry a CSRF token too. Signing in replaces the session id,
//! so an id planted before sign-in is worthless after it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::token::{random_token, same_token};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "standardiste_session";

/// A visitor who has not signed in is forgotten after this long.
const VISITOR_IDLE: Duration = Duration::from_secs(60 * 60);
/// A signed-in admin is signed out after this long without a request.
const ADMIN_IDLE: Duration = Duration::from_secs(8 * 60 * 60);
/// Most sessions kept; beyond it the least recently used go first, so a
/// client opening sessions in a loop cannot fill the memory.
const MAX_SESSIONS: usize = 4096;

/// One browser's session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    /// The token every form and script request must send back.
    pub csrf: String,
    pub admin: bool,
}

impl Session {
    /// Checks whether `token` is this session's CSRF token.
    pub fn csrf_matches(&self, token: &str) -> bool {
        same_token(&self.csrf, token)
    }
}

struct Entry {
    session: Session,
    last_seen: Instant,
}

/// Every open session.
#[derive(Default)]
pub struct Sessions {
    entries: Mutex<HashMap<String, Entry>>,
}

impl Sessions {
    /// Returns the session of `id` if it exists and has not expired, and marks it used.
    pub fn get(&self, id: &str) -> Option<Session> {
        let mut entries = self.lock();
        let now = Instant::now();
        let entry = entries.get_mut(id)?;
        if now.duration_since(entry.last_seen) > idle_limit(&entry.session) {
            entries.remove(id);
            return None;
        }
        entry.last_seen = now;
        Some(entry.session.clone())
    }

    /// Opens a visitor's session.
    pub fn open(&self) -> Session {
        self.insert(false)
    }

    /// Ends `old_id` and opens a signed-in session in its place.
    pub fn sign_in(&self, old_id: &str) -> Session {
        self.lock().remove(old_id);
        self.insert(true)
    }

    /// Ends the session `id`.
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Signs out every admin but `keep`, after a password change.
    pub fn end_other_admins(&self, keep: &str) {
        self.lock().retain(|id, entry| !entry.session.admin || id == keep);
    }

    fn insert(&self, admin: bool) -> Session {
        let session = Session {
            id: random_token(32),
            csrf: random_token(32),
            admin,
        };
        let mut entries = self.lock();
        let now = Instant::now();
        entries.retain(|_, entry| now.duration_since(entry.last_seen) <= idle_limit(&entry.session));
        while entries.len() >= MAX_SESSIONS {
            // Visitors go before admins, the oldest first.
            let oldest = entries
                .iter()
                .min_by_key(|(_, entry)| (entry.session.admin, entry.last_seen))
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => entries.remove(&id),
                None => break,
            };
        }
        entries.insert(
            session.id.clone(),
            Entry {
                session: session.clone(),
                last_seen: now,
            },
        );
        session
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn idle_limit(session: &Session) -> Duration {
    if session.admin {
        ADMIN_IDLE
    } else {
        VISITOR_IDLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_replaces_the_session_id() {
        let sessions = Sessions::default();
        let visitor = sessions.open();
        assert!(!visitor.admin);
        let admin = sessions.sign_in(&visitor.id);
        assert!(admin.admin);
        assert_ne!(admin.id, visitor.id);
        assert_ne!(admin.csrf, visitor.csrf);
        assert!(sessions.get(&visitor.id).is_none());
        assert!(sessions.get(&admin.id).unwrap().admin);
    }

    #[test]
    fn unknown_or_ended_sessions_are_absent() {
        let sessions = Sessions::default();
        assert!(sessions.get("nope").is_none());
        let visitor = sessions.open();
        sessions.end(&visitor.id);
        assert!(sessions.get(&visitor.id).is_none());
    }

    #[test]
    fn session_count_is_bounded_and_keeps_admins() {
        let sessions = Sessions::default();
        let admin = sessions.sign_in("none");
        for _ in 0..MAX_SESSIONS + 10 {
            sessions.open();
        }
        assert!(sessions.lock().len() <= MAX_SESSIONS);
        assert!(sessions.get(&admin.id).is_some());
    }

    #[test]
    fn password_change_signs_out_other_admins() {
        let sessions = Sessions::default();
        let kept = sessions.sign_in("a");
        let other = sessions.sign_in("b");
        sessions.end_other_admins(&kept.id);
        assert!(sessions.get(&kept.id).is_some());
        assert!(sessions.get(&other.id).is_none());
    }
}
