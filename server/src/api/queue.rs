//! The outgoing queue: QueueList, QueueSize, QueueKick, QueueDrop, QueueSaveRequireTLS.

use sherpa_admin::api::Msg;
use sherpa_admin::runtime::{Error, Timestamp};

use crate::app::{App, server_err};
use crate::store::{decode, id_key};

impl App {
    /// IDs selected by a QueueKick/QueueDrop `id`: all for `id <= 0` (as in mox), else that one.
    fn queue_select(&self, id: i64) -> Result<Vec<u64>, crate::store::StoreError> {
        if id > 0 {
            return Ok(if self.store.queue.contains_key(id_key(id as u64))? {
                vec![id as u64]
            } else {
                Vec::new()
            });
        }
        let mut ids = Vec::new();
        for k in self.store.queue.iter().keys() {
            ids.push(crate::store::id_from_suffix("queue", &k?)?);
        }
        Ok(ids)
    }

    pub async fn queue_list(&self) -> Result<Vec<Msg>, Error> {
        let mut msgs = Vec::with_capacity(self.store.queue_size().max(0) as usize);
        for kv in self.store.queue.iter() {
            let (k, v) = kv.map_err(|e| server_err("listing messages in queue", e))?;
            let m: Msg =
                decode("queue", &k, &v).map_err(|e| server_err("listing messages in queue", e))?;
            msgs.push(m);
        }
        // Never-attempted messages first (by ID), then by last attempt, ties by ID. Keys
        // are in ID order already, and the sort is stable.
        msgs.sort_by(|a, b| match (&a.last_attempt, &b.last_attempt) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.cmp(y),
        });
        Ok(msgs)
    }

    pub async fn queue_size(&self) -> Result<i32, Error> {
        Ok(self.store.queue_size().clamp(0, i32::MAX as i64) as i32)
    }

    pub async fn queue_kick(&self, id: i64, transport: String) -> Result<(), Error> {
        const P: &str = "kick message in queue";
        if !transport.is_empty()
            && !self
                .static_config
                .config
                .transports
                .contains_key(&transport)
        {
            return Err(Error::user(format!("{P}: unknown transport {transport:?}")));
        }
        let ids = self.queue_select(id).map_err(|e| server_err(P, e))?;
        let now = Timestamp::now();
        let mut n = 0;
        for i in ids {
            let found = self
                .store
                .queue_update(i, |m| {
                    m.next_attempt = now;
                    m.transport = transport.clone();
                })
                .map_err(|e| server_err(P, e))?;
            if found {
                n += 1;
            }
        }
        if n == 0 {
            return Err(Error::user(format!("{P}: message not found")));
        }
        self.flush().await
    }

    pub async fn queue_drop(&self, id: i64) -> Result<(), Error> {
        const P: &str = "drop message from queue";
        let ids = self.queue_select(id).map_err(|e| server_err(P, e))?;
        let n = self
            .store
            .queue_remove(&ids)
            .map_err(|e| server_err(P, e))?;
        if n == 0 {
            return Err(Error::user(format!("{P}: message not found")));
        }
        self.flush().await
    }

    pub async fn queue_save_require_tls(
        &self,
        id: i64,
        require_tls: Option<bool>,
    ) -> Result<(), Error> {
        const P: &str = "update requiretls for message in queue";
        let found = if id > 0 {
            self.store
                .queue_update(id as u64, |m| m.require_tls = require_tls)
                .map_err(|e| server_err(P, e))?
        } else {
            false
        };
        if !found {
            return Err(Error::user(format!("{P}: get message: absent")));
        }
        self.flush().await
    }
}
