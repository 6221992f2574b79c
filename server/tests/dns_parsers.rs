//! Property-style robustness tests for the hand-written record parsers: arbitrary and
//! mutated inputs never panic, and every accepted record re-parses to the same value after
//! formatting (where a formatter exists). Deterministic (seeded), so failures reproduce.

use server::checks::records::{dkim, dmarc, mtasts, spf, tlsrpt};

/// A small xorshift generator: no dependency, fixed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.org/24//64 -include:_spf.example.net ~all redirect=_spf.example.com exp=exp.%{d} ra=postmaster",
    "v=DKIM1; k=ed25519; h=sha256; p=6BfZKc51NHQLwFz85anSQiaxrK1PmTWb9CvEuKSbHi8=",
    "v=DMARC1; p=reject; sp=none; rua=mailto:a@example.org!10m,mailto:b@example.net; ruf=mailto:f@x; adkim=s; aspf=r; ri=3600; fo=1:d; rf=afrf; pct=50",
    "v=TLSRPTv1; rua=mailto:a@example.org,https://r.example.net/x; rua=mailto:b@example.org; ext=1;",
    "v=STSv1; id=20240101T000000; ext=x;",
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmx: *.example.net\r\nmax_age: 86400\r\n",
];

/// Characters that matter to the grammars, plus multi-byte UTF-8.
const ALPHABET: &[&str] = &[
    "v", "=", ";", ":", "/", "//", ",", "!", "%", "{", "}", "-", "+", "~", "?", ".", " ", "\t",
    "\r\n", "\n", "0", "9", "a", "p", "spf1", "DKIM1", "DMARC1", "TLSRPTv1", "STSv1", "mailto:",
    "ip4", "ip6", "é", "ß", "\u{2028}", "\0", "*.",
];

fn mutate(r: &mut Rng, s: &str) -> String {
    let mut chars: Vec<String> = s.chars().map(|c| c.to_string()).collect();
    for _ in 0..1 + r.below(6) {
        let op = r.below(4);
        let pos = if chars.is_empty() {
            0
        } else {
            r.below(chars.len() + 1)
        };
        match op {
            0 if pos < chars.len() => {
                chars.remove(pos);
            }
            1 => chars.insert(pos, ALPHABET[r.below(ALPHABET.len())].to_string()),
            2 if pos < chars.len() => chars[pos] = ALPHABET[r.below(ALPHABET.len())].to_string(),
            _ => chars.truncate(pos),
        }
    }
    chars.concat()
}

fn random(r: &mut Rng) -> String {
    (0..r.below(40))
        .map(|_| ALPHABET[r.below(ALPHABET.len())])
        .collect()
}

fn exercise(input: &str) {
    if spf::is_spf(input)
        && let Ok(rec) = spf::parse(input)
    {
        let again = spf::parse(&spf::record_text(&rec)).expect("formatted SPF record re-parses");
        // IPstr keeps the address as written (as in mox), and the formatted record writes
        // it in its usual form: equal up to that.
        let usual = |r: &sherpa_admin::api::SPFRecord| {
            let mut r = r.clone();
            for d in &mut r.directives {
                if let Some((ip, len)) = d.i_pstr.split_once('/')
                    && let Ok(a) = ip.parse::<std::net::IpAddr>()
                {
                    d.i_pstr = format!("{a}/{len}");
                }
            }
            r
        };
        assert_eq!(usual(&again), usual(&rec), "SPF round trip of {input:?}");
        assert_eq!(spf::record_text(&again), spf::record_text(&rec));
    }
    let _ = dkim::parse(input);
    let _ = dmarc::parse(input);
    if let Ok(rec) = tlsrpt::parse(input) {
        let again =
            tlsrpt::parse(&tlsrpt::record_text(&rec)).expect("formatted TLSRPT record re-parses");
        assert_eq!(again, rec, "TLSRPT round trip of {input:?}");
    }
    let _ = mtasts::parse_record(input);
    if let Ok(p) = mtasts::parse_policy(input) {
        assert!(!p.version.is_empty());
    }
    let _ = server::checks::records::txt_strings(input);
}

#[test]
fn mutated_and_random_inputs_never_panic() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let seed = SEEDS[r.below(SEEDS.len())];
        exercise(&mutate(&mut r, seed));
        exercise(&random(&mut r));
    }
    for s in SEEDS {
        exercise(s);
    }
}

#[test]
fn seeds_parse() {
    assert!(spf::parse(SEEDS[0]).is_ok());
    assert!(matches!(dkim::parse(SEEDS[1]), dkim::Parsed::Ok(_)));
    assert!(matches!(dmarc::parse(SEEDS[2]), dmarc::Parsed::Ok(_)));
    assert!(tlsrpt::parse(SEEDS[3]).is_ok());
    assert!(mtasts::parse_record(SEEDS[4]).is_ok());
    assert!(mtasts::parse_policy(SEEDS[5]).is_ok());
}
