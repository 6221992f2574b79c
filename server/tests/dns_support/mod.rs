//! Loopback-only test infrastructure for the DNS checks: an authoritative DNS server
//! (hickory-server with an in-memory zone table whose answers carry the AD bit for
//! "signed" names), an upstream that never answers, a STARTTLS SMTP server and an HTTPS
//! server with rcgen certificates, and a fixture that wires an `App` to all of them with a
//! fully correct domain that tests then break one record at a time.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use hickory_server::net::runtime::Time;
use hickory_server::proto::op::{Header, HeaderCounts, MessageType, Metadata, ResponseCode};
use hickory_server::proto::rr::rdata::tlsa::{CertUsage, Matching, Selector};
use hickory_server::proto::rr::rdata::{A, CNAME, MX, NS, PTR, SRV, TLSA, TXT};
use hickory_server::proto::rr::{Name, RData, Record, RecordType};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use server::app::App;
use server::config::LoadedConfig;
use server::dns::parse_domain;
use server::dynconf::{self, NewDomain};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, UdpSocket};

pub const HOST: &str = "mx.mox.test";
pub const IP: &str = "127.0.0.1";

/// name (lower case, absolute) → records.
#[derive(Default)]
pub struct Zones {
    pub records: BTreeMap<String, Vec<RData>>,
    /// Names (and everything below them) whose answers have AD set.
    pub signed: BTreeSet<String>,
}

fn abs(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    if n.ends_with('.') { n } else { format!("{n}.") }
}

impl Zones {
    pub fn add(&mut self, name: &str, rd: RData) {
        self.records.entry(abs(name)).or_default().push(rd);
    }

    pub fn txt(&mut self, name: &str, s: &str) {
        // Character-strings hold at most 255 bytes; longer values are several strings.
        let chunks: Vec<String> = s
            .as_bytes()
            .chunks(255)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        self.add(name, RData::TXT(TXT::new(chunks)));
    }

    pub fn a(&mut self, name: &str, ip: &str) {
        self.add(name, RData::A(A(ip.parse().unwrap())));
    }

    pub fn cname(&mut self, name: &str, target: &str) {
        self.add(
            name,
            RData::CNAME(CNAME(Name::from_ascii(abs(target)).unwrap())),
        );
    }

    pub fn mx(&mut self, name: &str, pref: u16, host: &str) {
        self.add(
            name,
            RData::MX(MX::new(pref, Name::from_ascii(abs(host)).unwrap())),
        );
    }

    pub fn srv(&mut self, name: &str, port: u16, target: &str) {
        let t = if target == "." {
            Name::root()
        } else {
            Name::from_ascii(abs(target)).unwrap()
        };
        self.add(name, RData::SRV(SRV::new(0, 1, port, t)));
    }

    pub fn ptr(&mut self, name: &str, target: &str) {
        self.add(
            name,
            RData::PTR(PTR(Name::from_ascii(abs(target)).unwrap())),
        );
    }

    /// A TLSA record from its `3 1 1 <hex>` text.
    pub fn tlsa(&mut self, name: &str, rec: &str) {
        let p: Vec<&str> = rec.split(' ').collect();
        let data: Vec<u8> = (0..p[3].len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&p[3][i..i + 2], 16).unwrap())
            .collect();
        self.add(
            name,
            RData::TLSA(TLSA::new(
                CertUsage::from(p[0].parse::<u8>().unwrap()),
                Selector::from(p[1].parse::<u8>().unwrap()),
                Matching::from(p[2].parse::<u8>().unwrap()),
                data,
            )),
        );
    }

    /// Removes all records of a type at a name.
    pub fn remove(&mut self, name: &str, t: RecordType) {
        if let Some(l) = self.records.get_mut(&abs(name)) {
            l.retain(|r| r.record_type() != t);
            if l.is_empty() {
                self.records.remove(&abs(name));
            }
        }
    }

    /// Replaces the TXT records at a name.
    pub fn set_txt(&mut self, name: &str, s: &str) {
        self.remove(name, RecordType::TXT);
        self.txt(name, s);
    }

    fn is_signed(&self, name: &str) -> bool {
        self.signed
            .iter()
            .any(|s| s == "." || name == s || name.ends_with(&format!(".{s}")))
    }

    /// The answer: records (following CNAMEs), response code, AD.
    fn answer(&self, qname: &str, qtype: RecordType) -> (Vec<Record>, ResponseCode, bool) {
        let mut out = Vec::new();
        let mut name = qname.to_string();
        let mut ad = self.is_signed(&name);
        for _ in 0..8 {
            let Some(rs) = self.records.get(&name) else {
                let code = if out.is_empty() {
                    ResponseCode::NXDomain
                } else {
                    ResponseCode::NoError
                };
                return (out, code, ad);
            };
            let owner = Name::from_ascii(&name).unwrap();
            let cname = rs.iter().find_map(|r| match r {
                RData::CNAME(c) if qtype != RecordType::CNAME => Some(c.0.clone()),
                _ => None,
            });
            if let Some(target) = cname {
                out.push(Record::from_rdata(
                    owner,
                    60,
                    RData::CNAME(CNAME(target.clone())),
                ));
                name = target.to_ascii().to_ascii_lowercase();
                if !name.ends_with('.') {
                    name.push('.');
                }
                ad &= self.is_signed(&name);
                continue;
            }
            for r in rs.iter().filter(|r| r.record_type() == qtype) {
                out.push(Record::from_rdata(owner.clone(), 60, r.clone()));
            }
            return (out, ResponseCode::NoError, ad);
        }
        (out, ResponseCode::ServFail, false)
    }
}

#[derive(Clone)]
struct Handler(Arc<RwLock<Zones>>);

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let failed = || {
            let mut metadata = Metadata::new(
                request.metadata.id,
                MessageType::Response,
                request.metadata.op_code,
            );
            metadata.response_code = ResponseCode::ServFail;
            ResponseInfo::from(Header {
                metadata,
                counts: HeaderCounts::default(),
            })
        };
        let Ok(info) = request.request_info() else {
            return failed();
        };
        let qname = info.query.name().to_string().to_ascii_lowercase();
        let qname = if qname.ends_with('.') {
            qname
        } else {
            format!("{qname}.")
        };
        let (answers, code, ad) = self
            .0
            .read()
            .unwrap()
            .answer(&qname, info.query.query_type());
        let mut meta = Metadata::response_from_request(&request.metadata);
        meta.authoritative = true;
        meta.recursion_available = true;
        meta.response_code = code;
        meta.authentic_data = ad && request.metadata.authentic_data;
        let builder = MessageResponseBuilder::from_message_request(request);
        let resp = builder.build(
            meta,
            answers.iter(),
            std::iter::empty(),
            std::iter::empty(),
            std::iter::empty(),
        );
        match response_handle.send_response(resp).await {
            Ok(i) => i,
            Err(_) => failed(),
        }
    }
}

/// The DNS server on 127.0.0.1 (UDP and TCP on the same port).
pub struct DnsServer {
    pub addr: SocketAddr,
    pub zones: Arc<RwLock<Zones>>,
}

impl DnsServer {
    pub async fn start() -> DnsServer {
        let zones = Arc::new(RwLock::new(Zones::default()));
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let udp = UdpSocket::bind(addr).await.unwrap();
        let mut server = hickory_server::Server::new(Handler(zones.clone()));
        server.register_socket(udp);
        server.register_listener(tcp, std::time::Duration::from_secs(5), 64);
        tokio::spawn(async move {
            let _ = server.block_until_done().await;
        });
        DnsServer { addr, zones }
    }
}

/// An "upstream" that reads queries and never answers (UDP and TCP).
pub async fn blackhole() -> SocketAddr {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let udp = UdpSocket::bind(addr).await.unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while udp.recv_from(&mut buf).await.is_ok() {}
    });
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = tcp.accept().await {
            held.push(s);
        }
    });
    addr
}

/// A test CA and leaf certificates signed by it.
pub struct TestCa {
    key: rcgen::KeyPair,
    params: rcgen::CertificateParams,
    pub pem: String,
}

impl TestCa {
    pub fn new() -> TestCa {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "test ca");
        let cert = params.self_signed(&key).unwrap();
        TestCa {
            pem: cert.pem(),
            key,
            params,
        }
    }

    /// A leaf for `names`, signed by this CA.
    pub fn leaf(&self, names: &[String]) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(names.to_vec()).unwrap();
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        (
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }
}

/// A self-signed leaf (not trusted by anything).
pub fn self_signed(names: &[String]) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(names.to_vec())
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (
        vec![cert.der().clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Arc<rustls::ServerConfig> {
    Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap(),
    )
}

/// How the SMTP test server behaves.
#[derive(Clone, Copy, PartialEq)]
pub enum SmtpMode {
    Good,
    RefuseStarttls,
}

/// A STARTTLS SMTP server on 127.0.0.1; returns its port.
pub async fn smtp_server(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    mode: SmtpMode,
) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(chain, key));
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut br = BufReader::new(s);
                br.get_mut()
                    .write_all(b"220 mx.mox.test ESMTP test\r\n")
                    .await?;
                let mut line = String::new();
                br.read_line(&mut line).await?;
                br.get_mut()
                    .write_all(b"250-mx.mox.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
                    .await?;
                line.clear();
                br.read_line(&mut line).await?;
                if mode == SmtpMode::RefuseStarttls {
                    br.get_mut()
                        .write_all(b"454 4.7.0 TLS not available\r\n")
                        .await?;
                    return Ok::<(), std::io::Error>(());
                }
                br.get_mut().write_all(b"220 go ahead\r\n").await?;
                let mut tls = acceptor.accept(br.into_inner()).await?;
                let mut buf = [0u8; 64];
                let _ = tls.read(&mut buf).await;
                Ok(())
            });
        }
    });
    port
}

/// An HTTPS server on 127.0.0.1 serving `GET /.well-known/mta-sts.txt` per Host header;
/// hosts without a policy get 404. Returns its port.
pub async fn https_server(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    policies: Arc<RwLock<BTreeMap<String, String>>>,
) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(chain, key));
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            let policies = policies.clone();
            tokio::spawn(async move {
                let tls = acceptor.accept(s).await?;
                let mut br = BufReader::new(tls);
                let mut host = String::new();
                let mut path = String::new();
                loop {
                    let mut line = String::new();
                    if br.read_line(&mut line).await? == 0 {
                        return Ok::<(), std::io::Error>(());
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(p) = l.strip_prefix("GET ") {
                        path = p.split(' ').next().unwrap_or("").to_string();
                    }
                    if let Some((k, v)) = l.split_once(':')
                        && k.eq_ignore_ascii_case("host")
                    {
                        host = v.trim().to_ascii_lowercase();
                    }
                }
                let body = policies.read().unwrap().get(&host).cloned();
                let resp = match body {
                    Some(b) if path == "/.well-known/mta-sts.txt" => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                        b.len()
                    ),
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_string(),
                };
                br.get_mut().write_all(resp.as_bytes()).await?;
                br.get_mut().shutdown().await?;
                Ok(())
            });
        }
    });
    port
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dns")
        .join(name)
}

/// TLSA records (`3 1 1 <hex>`) of the host keys in the fixtures.
pub fn host_tlsa() -> Vec<String> {
    let mut st = server::config::StaticConfig::default();
    st.checks.host_private_key_files.insert(
        "public".into(),
        vec![
            fixture_path("host-ecdsap256.pem").display().to_string(),
            fixture_path("host-rsa2048.pem").display().to_string(),
        ],
    );
    server::checks::load_host_keys(&st, "public")
        .unwrap()
        .iter()
        .map(|k| k.tlsa())
        .collect()
}

/// Everything one test needs: the app, its DNS server, policies and the test CA.
pub struct Fixture {
    pub app: Arc<App>,
    pub dns: DnsServer,
    pub domain: String,
    pub policies: Arc<RwLock<BTreeMap<String, String>>>,
    pub ca: TestCa,
    pub dir: tempfile::TempDir,
    pub smtp_port: u16,
    pub https_port: u16,
}

pub struct Options {
    pub smtp_mode: SmtpMode,
    /// The SMTP server's certificate is self-signed instead of issued by the test CA.
    pub smtp_untrusted: bool,
    /// The HTTPS server's certificate is self-signed.
    pub https_untrusted: bool,
    /// Extra TOML appended to the config.
    pub extra_config: String,
    /// DNS upstream override (e.g. a blackhole).
    pub upstream: Option<SocketAddr>,
    pub dns_timeout: &'static str,
    pub deadline: &'static str,
    /// DNSBL zones of the public listener, as TOML strings.
    pub dnsbls: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp_mode: SmtpMode::Good,
            smtp_untrusted: false,
            https_untrusted: false,
            extra_config: String::new(),
            upstream: None,
            dns_timeout: "2s",
            deadline: "20s",
            dnsbls: "",
        }
    }
}

pub const POLICY_ID: &str = "20240101T000000";

impl Fixture {
    pub async fn new(domain: &str) -> Fixture {
        Self::with(domain, Options::default()).await
    }

    pub async fn with(domain: &str, o: Options) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let dns = DnsServer::start().await;
        let ca = TestCa::new();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, &ca.pem).unwrap();
        let names = vec![
            HOST.to_string(),
            format!("mta-sts.{domain}"),
            format!("autoconfig.{domain}"),
            format!("mail.{domain}"),
        ];
        let (schain, skey) = if o.smtp_untrusted {
            self_signed(&names)
        } else {
            ca.leaf(&names)
        };
        let smtp_port = smtp_server(schain, skey, o.smtp_mode).await;
        let policies = Arc::new(RwLock::new(BTreeMap::new()));
        let (hchain, hkey) = if o.https_untrusted {
            self_signed(&names)
        } else {
            ca.leaf(&names)
        };
        let https_port = https_server(hchain, hkey, policies.clone()).await;
        let upstream = o.upstream.unwrap_or(dns.addr);
        let config = format!(
            r#"
Hostname = "{HOST}"
[HostTLSRPT]
Account = "admin"
Localpart = "tls-reports"
[DNS]
Upstream = "{upstream}"
Timeout = "{timeout}"
Attempts = 1
[Checks]
Deadline = "{deadline}"
DialTimeout = "3s"
SMTPPort = {smtp_port}
HTTPSPort = {https_port}
CACertFiles = ["{ca}"]
[Checks.HostPrivateKeyFiles]
public = ["{ecdsa}", "{rsa}"]
[Listeners.public]
IPs = ["{IP}"]
TLS = true
SMTP = {{ Enabled = true, DNSBLs = [{dnsbls}] }}
Submission = {{ Enabled = true }}
Submissions = {{ Enabled = true }}
IMAP = {{ Enabled = true }}
IMAPS = {{ Enabled = true }}
MTASTSHTTPS = {{ Enabled = true }}
{extra}
"#,
            timeout = o.dns_timeout,
            deadline = o.deadline,
            ca = ca_file.display(),
            ecdsa = fixture_path("host-ecdsap256.pem").display(),
            rsa = fixture_path("host-rsa2048.pem").display(),
            extra = o.extra_config,
            dnsbls = o.dnsbls,
        );
        let cfg_path = dir.path().join("config.toml");
        std::fs::write(&cfg_path, config).unwrap();
        let loaded = LoadedConfig::load(Some(&cfg_path)).unwrap();
        let app = Arc::new(App::open(&dir.path().join("data"), loaded).unwrap());
        add_domain(&app, domain).await;
        let f = Fixture {
            app,
            dns,
            domain: domain.to_string(),
            policies,
            ca,
            dir,
            smtp_port,
            https_port,
        };
        f.publish_good().await;
        f
    }

    /// Publishes the records of a fully correct set-up for the domain and the host.
    pub async fn publish_good(&self) {
        let d = self.domain.clone();
        let dkim: Vec<(String, String)> =
            [("sel1", "dkim-ed25519.pem"), ("sel2", "dkim-rsa2048.pem")]
                .iter()
                .map(|(sel, file)| {
                    let k = server::checks::dkim_key_from_pem(
                        &std::fs::read_to_string(fixture_path(file)).unwrap(),
                    )
                    .unwrap();
                    (
                        format!("{sel}._domainkey.{d}"),
                        server::checks::records::dkim::record_text(k.ed25519, &k.public),
                    )
                })
                .collect();
        let mut z = self.dns.zones.write().unwrap();
        z.signed.insert(".".to_string());
        z.add(
            ".",
            RData::NS(NS(Name::from_ascii("a.root.test.").unwrap())),
        );
        // The host.
        z.a(HOST, IP);
        z.txt(HOST, "v=spf1 a -all");
        z.txt(
            &format!("_smtp._tls.{HOST}"),
            &format!("v=TLSRPTv1; rua=mailto:tls-reports@{HOST}"),
        );
        for t in host_tlsa() {
            z.tlsa(&format!("_25._tcp.{HOST}"), &t);
        }
        z.ptr("1.0.0.127.in-addr.arpa", HOST);
        // The domain.
        z.mx(&d, 10, HOST);
        z.txt(&d, &format!("v=spf1 ip4:{IP} -all"));
        for (n, v) in dkim {
            z.txt(&n, &v);
        }
        z.txt(
            &format!("_dmarc.{d}"),
            &format!("v=DMARC1;p=reject;rua=mailto:dmarc-reports@{d}!10m"),
        );
        z.txt(
            &format!("_mta-sts.{d}"),
            &format!("v=STSv1; id={POLICY_ID}"),
        );
        z.cname(&format!("mta-sts.{d}"), HOST);
        z.txt(
            &format!("_smtp._tls.{d}"),
            &format!("v=TLSRPTv1; rua=mailto:tls-reports@{d}"),
        );
        z.srv(&format!("_submissions._tcp.{d}"), 465, HOST);
        z.srv(&format!("_submission._tcp.{d}"), 587, ".");
        z.srv(&format!("_imaps._tcp.{d}"), 993, HOST);
        z.srv(&format!("_imap._tcp.{d}"), 143, ".");
        z.srv(&format!("_pop3._tcp.{d}"), 110, ".");
        z.srv(&format!("_pop3s._tcp.{d}"), 995, ".");
        z.cname(&format!("autoconfig.{d}"), HOST);
        z.cname(&format!("mail.{d}"), HOST);
        z.srv(&format!("_autodiscover._tcp.{d}"), 443, HOST);
        z.signed.insert(d.clone());
        z.signed.insert(HOST.to_string());
        drop(z);
        self.policies.write().unwrap().insert(
            format!("mta-sts.{d}"),
            format!("version: STSv1\nmode: enforce\nmx: {HOST}\nmax_age: 1209600\n"),
        );
    }

    pub fn zones(&self) -> std::sync::RwLockWriteGuard<'_, Zones> {
        self.dns.zones.write().unwrap()
    }

    pub async fn check(&self) -> sherpa_admin::api::CheckResult {
        self.app.check_domain(self.domain.clone()).await.unwrap()
    }
}

/// Adds a domain with the fixture DKIM keys: `sel1` (ed25519) and `sel2` (RSA-2048).
pub async fn add_domain(app: &App, domain: &str) {
    let d = parse_domain(domain).unwrap();
    let st = &app.static_config.config;
    let keys = vec![
        (
            "sel1".to_string(),
            format!("sel1.{domain}.ed25519.pem"),
            std::fs::read_to_string(fixture_path("dkim-ed25519.pem")).unwrap(),
        ),
        (
            "sel2".to_string(),
            format!("sel2.{domain}.rsa2048.pem"),
            std::fs::read_to_string(fixture_path("dkim-rsa2048.pem")).unwrap(),
        ),
    ];
    let exists = app.config().dynamic.accounts.contains_key("admin");
    app.change_config(|cfg| {
        dynconf::domain_add(
            cfg,
            st,
            &NewDomain {
                domain: d.clone(),
                account: "admin".to_string(),
                localpart: if exists {
                    String::new()
                } else {
                    "postmaster".to_string()
                },
                keys: keys.clone(),
                sign: vec!["sel1".to_string(), "sel2".to_string()],
                mtasts_policy_id: POLICY_ID.to_string(),
            },
        )
    })
    .await
    .unwrap();
}

/// Every non-empty error and warning of a result as `Section error|warning: text`, in a
/// stable order, so tests can compare the complete set.
pub fn problems(r: &sherpa_admin::api::CheckResult) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |sec: &str, errors: &[String], warnings: &[String]| {
        for e in errors {
            out.push(format!("{sec} error: {e}"));
        }
        for w in warnings {
            out.push(format!("{sec} warning: {w}"));
        }
    };
    add("DNSSEC", &r.dnssec.errors, &r.dnssec.warnings);
    add("IPRev", &r.ip_rev.errors, &r.ip_rev.warnings);
    add("MX", &r.mx.errors, &r.mx.warnings);
    add("TLS", &r.tls.errors, &r.tls.warnings);
    add("DANE", &r.dane.errors, &r.dane.warnings);
    add("SPF", &r.spf.errors, &r.spf.warnings);
    add("DKIM", &r.dkim.errors, &r.dkim.warnings);
    add("DMARC", &r.dmarc.errors, &r.dmarc.warnings);
    add("HostTLSRPT", &r.host_tlsrpt.errors, &r.host_tlsrpt.warnings);
    add(
        "DomainTLSRPT",
        &r.domain_tlsrpt.errors,
        &r.domain_tlsrpt.warnings,
    );
    add("MTASTS", &r.mtasts.errors, &r.mtasts.warnings);
    add("SRVConf", &r.srv_conf.errors, &r.srv_conf.warnings);
    add("Autoconf", &r.autoconf.errors, &r.autoconf.warnings);
    add(
        "Autodiscover",
        &r.autodiscover.errors,
        &r.autodiscover.warnings,
    );
    out
}
