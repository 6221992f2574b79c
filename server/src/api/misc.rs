//! Log levels, transports, update checks and the web server configuration.

use std::collections::BTreeMap;

use sherpa_admin::api::{Transport, WebserverConfig};
use sherpa_admin::runtime::Error;

use crate::app::App;
use crate::dynconf::{self, Change, ChangeError};
use crate::webserver;

impl App {
    pub async fn log_levels(&self) -> Result<BTreeMap<String, String>, Error> {
        Ok(self.log_levels.get())
    }

    pub async fn log_level_set(&self, pkg: String, level_str: String) -> Result<(), Error> {
        self.log_levels.set(&pkg, &level_str).map_err(Error::user)
    }

    pub async fn log_level_remove(&self, pkg: String) -> Result<(), Error> {
        self.log_levels.remove(&pkg).map_err(Error::user)
    }

    pub async fn check_updates_enabled(&self) -> Result<bool, Error> {
        Ok(self.static_config.config.check_updates)
    }

    pub async fn transports(&self) -> Result<BTreeMap<String, Transport>, Error> {
        Ok(self.static_config.config.transports.clone())
    }

    pub async fn webserver_config(&self) -> Result<WebserverConfig, Error> {
        Ok(webserver::view(&self.config().dynamic.web))
    }

    pub async fn webserver_config_save(
        &self,
        old_conf: WebserverConfig,
        new_conf: WebserverConfig,
    ) -> Result<WebserverConfig, Error> {
        let web = webserver::from_new(&new_conf).map_err(Error::user)?;
        let st = &self.static_config.config;
        // Unlike mox, the "config has changed" check runs under the config lock, so two
        // concurrent saves from the same old state cannot both succeed.
        self.change_config(|cfg| {
            if !webserver::unchanged(&cfg.dynamic.web, &old_conf) {
                return Err(ChangeError(
                    "comparing old/current config: config has changed".to_string(),
                ));
            }
            let mut next = cfg.dynamic.clone();
            next.web = web;
            let (dynamic, index) = dynconf::finish(next, st, "saving webserver config")?;
            Ok(Change {
                dynamic,
                index,
                ..Change::default()
            })
        })
        .await?;
        Ok(webserver::view(&self.config().dynamic.web))
    }
}
