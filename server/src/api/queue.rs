//! The outgoing queue: QueueList, QueueSize, QueueKick, QueueDrop, QueueSaveRequireTLS.

use sherpa_admin::api::Msg;
use sherpa_admin::runtime::{Error, ListWriter, Timestamp, Wire};

use crate::app::{App, server_err};
use crate::store::{id_key, wire_record, wire_str};

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

    /// Blocking (a scan of the whole queue): run it off the async workers. The records
    /// are stored in wire form; only `LastAttempt` is read, for the order.
    pub fn queue_list(&self) -> Result<Wire<Vec<Msg>>, Error> {
        const P: &str = "listing messages in queue";
        #[derive(serde::Deserialize)]
        struct Order {
            #[serde(rename = "LastAttempt")]
            last_attempt: Option<Timestamp>,
        }
        let mut msgs = Vec::with_capacity(self.store.queue_size().max(0) as usize);
        let mut bytes = 0;
        for kv in self.store.queue.iter() {
            let (k, v) = kv.map_err(|e| server_err(P, e))?;
            // Reading the order parses the whole record: it is checked once, here.
            let (_, order): (_, Order) =
                wire_record("queue", &k, &v).map_err(|e| server_err(P, e))?;
            bytes += v.len() + 1;
            msgs.push((order.last_attempt, k, v));
        }
        // Never-attempted messages first (by ID), then by last attempt, ties by ID. Keys
        // are in ID order already, and the sort is stable.
        msgs.sort_by(|(a, ..), (b, ..)| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.cmp(y),
        });
        let mut list = ListWriter::new(bytes);
        for (_, k, v) in &msgs {
            list.push_trusted(wire_str("queue", k, v).map_err(|e| server_err(P, e))?);
        }
        Ok(list.finish())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The spliced answer is byte for byte what encoding the decoded, sorted messages
    /// gives: the stored records are in wire form.
    #[test]
    fn queue_list_is_the_encoded_list_of_stored_messages() {
        let data = tempfile::tempdir().unwrap();
        let app = App::open(
            data.path(),
            crate::config::LoadedConfig::load(None).unwrap(),
        )
        .unwrap();
        let at = |s| Timestamp::from_unix(s, 5).unwrap();
        for (i, last) in [Some(300), None, Some(100), None].into_iter().enumerate() {
            let msg = Msg {
                sender_account: format!("<{i}> & \u{2028}"),
                last_attempt: last.map(at),
                ..Msg::default()
            };
            app.store.queue_add(msg, b"body").unwrap();
        }
        let mut want: Vec<Msg> = app
            .store
            .all::<Msg>("queue")
            .unwrap()
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        want.sort_by_key(|m| (m.last_attempt.is_some(), m.last_attempt));
        assert_eq!(
            want.iter().map(|m| m.id).collect::<Vec<_>>(),
            [2, 4, 3, 1],
            "never attempted first, then by attempt"
        );
        let got = app.queue_list().unwrap();
        assert_eq!(
            got.as_str(),
            sherpa_admin::runtime::gojson::to_string(&want).unwrap()
        );
    }
}
