//! Counting requests in progress, per client address and overall, so that one client
//! (or many) cannot hold more of the server than [`crate::config::Limits`] allows.
//!
//! A request takes a [`Ticket`] before anything else is done for it and gives it back
//! when it is answered or dropped (a client that goes away, a deadline that passes), so
//! a count can never leak.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The counts.
pub struct InFlight {
    per_address: usize,
    overall: usize,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The client's address has its maximum in progress.
    Address,
    /// The server has its maximum in progress.
    Server,
}

/// One admitted request; dropping it gives its place back.
pub struct Ticket {
    of: Arc<InFlight>,
    address: Option<IpAddr>,
}

impl InFlight {
    pub fn new(per_address: usize, overall: usize) -> Arc<InFlight> {
        Arc::new(InFlight {
            per_address,
            overall,
            counts: Mutex::new(Counts::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a request from `address` (`None` when it is not known), or says which
    /// limit it would exceed.
    pub fn admit(self: &Arc<Self>, address: Option<IpAddr>) -> Result<Ticket, Full> {
        let mut c = self.lock();
        if c.total >= self.overall {
            return Err(Full::Server);
        }
        if let Some(a) = address {
            let n = c.by_address.entry(a).or_insert(0);
            if *n >= self.per_address {
                return Err(Full::Address);
            }
            *n += 1;
        }
        c.total += 1;
        Ok(Ticket {
            of: self.clone(),
            address,
        })
    }

    /// Requests in progress: overall, and from `address`.
    pub fn counts(&self, address: IpAddr) -> (usize, usize) {
        let c = self.lock();
        (c.total, c.by_address.get(&address).copied().unwrap_or(0))
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut c = self.of.lock();
        c.total = c.total.saturating_sub(1);
        if let Some(a) = self.address
            && let Some(n) = c.by_address.get_mut(&a)
        {
            *n -= 1;
            if *n == 0 {
                c.by_address.remove(&a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address_and_overall_and_tickets_give_back() {
        let f = InFlight::new(2, 3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let t1 = f.admit(Some(a)).unwrap();
        let _t2 = f.admit(Some(a)).unwrap();
        assert_eq!(f.admit(Some(a)).err(), Some(Full::Address));
        let _t3 = f.admit(Some(b)).unwrap();
        assert_eq!(f.admit(Some(b)).err(), Some(Full::Server));
        assert_eq!(f.counts(a), (3, 2));
        drop(t1);
        assert_eq!(f.counts(a), (2, 1));
        assert!(f.admit(None).is_ok());
    }
}
