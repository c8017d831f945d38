//! Large, realistic designs against the built-in rulebook `kenpo`, for the
//! benchmarks (`benches/check.rs`) and their guard test
//! (`tests/generated.rs`). Deterministic: a seeded xorshift, no `rand`.
//!
//! A design of `n` flow statements has about `n / 25` of the society's own
//! systems (組合), `n / 100` other bodies (他機関: 日本年金機構, 協会けんぽ,
//! デジタル庁, 市町村001…), the two carriers (中間サーバー and
//! 情報提供NWS), every registered contractor (with all ten clauses), and
//! data items of every category, ordinary and mynumber. Its flows are:
//!
//! - internal use between systems, and ordinary data coming in;
//! - provision to third parties the rulebook allows (`<->` where both ways
//!   are allowed, `via オン資` where required);
//! - entrustment to contractors for the purposes they are registered for,
//!   with results coming back or notices going to 加入者;
//! - My Number exchanges with other bodies, written `via 情報提供NWS,
//!   中間サーバー` or as stitched carrier hops (他機関 -> 情報提供NWS ->
//!   中間サーバー -> system), inbound (7(1)) and outbound (7(2));
//! - fan-in/fan-out at the carriers: many senders into 情報提供NWS and many
//!   receivers out of 中間サーバー for the same item and purpose;
//! - internal chains of 特定個人情報, several hops long, for the purpose
//!   it was obtained for (MN402's worklist);
//! - about 2 % violations: MN102 (wrong direction), MN103 (wrong purpose),
//!   MN104 (missing via), MN402 (purpose drift at the end of a chain) and
//!   MN401 (a carrier hop to nowhere). Every tenth carries an audited
//!   suppression comment, so suppressions are exercised too.
//!
//! [`Generated::expected`] counts the findings the design must give, by
//! code; nothing else may be reported.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The seed [`design`] uses.
pub const SEED: u64 = 0x6d79_6e61_666c_6f77;

/// A generated design and what checking it must report.
pub struct Generated {
    /// The design's text.
    pub text: String,
    /// Flow statements in it.
    pub flows: usize,
    /// Findings it must give, by code (suppressed ones excluded).
    pub expected: BTreeMap<&'static str, usize>,
    /// Violations written with a suppression above them.
    pub suppressed: usize,
}

/// A design of exactly `flows` flow statements (at least 1), with the
/// default seed.
pub fn design(flows: usize) -> String {
    generate(flows, SEED).text
}

// ── Random numbers ──────────────────────────────────────────────────────

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// xorshift64.
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len())]
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// Between `lo` and `hi`, inclusive.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

// ── The parts of the design ─────────────────────────────────────────────

/// Actors, in the order they are declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Sys(u32),
    /// Systems that receive 特定個人情報 but never pass it on (targets of
    /// purpose drift).
    Sink(u32),
    Middle,
    Network,
    Other(u32),
    OnlineElig,
    Payer,
    Employer(u32),
    Kenporen,
    Insurer(u32),
    Hospital(u32),
    Checkup(u32),
    Ministry,
    Contractor(u8),
    /// A branch of a registered contractor: its own actor, the same legal
    /// name (so the same registration).
    Branch(u8, u32),
    /// A contractor whose legal name is not in the register (MN301 when
    /// the society entrusts to it, MN302 when a contractor passes to it).
    Unregistered(u32),
    /// A registered contractor whose contract lacks clauses (MN303).
    NoClauses(u32),
    /// More carriers of each kind, for many carrier hops.
    MiddleN(u32),
    NetworkN(u32),
    Member,
}

const SYSTEMS: &[(&str, &str)] = &[
    ("基幹システム", "被保険者台帳"),
    ("適用システム", "適用・資格管理"),
    ("給付システム", "給付・審査"),
    ("保健事業システム", "健診・保健指導の管理"),
    ("データ分析基盤", "DWH"),
    ("会計システム", "会計・収納"),
    ("文書管理システム", "文書管理・電子決裁"),
    ("加入者ポータル", "電子申請受付"),
];

const OTHER_BODIES: &[&str] = &["日本年金機構", "協会けんぽ", "デジタル庁"];

struct Contractor {
    name: &'static str,
    legal: &'static str,
    /// Registered purposes, each with the categories of what is entrusted.
    work: &'static [(&'static str, &'static [usize])],
    /// Does it send something back, or to the person?
    returns: bool,
    notifies: bool,
}

const CONTRACTORS: &[Contractor] = &[
    Contractor {
        name: "ケーシップ",
        legal: "株式会社ケーシップ",
        work: &[("海外療養費算定委託", &[7]), ("レセプト点検委託", &[6])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "大和総研",
        legal: "株式会社大和総研",
        work: &[
            ("資格データ処理委託", &[0]),
            ("医療費通知委託", &[8]),
            ("医療費分析委託", &[8]),
            ("扶養資格調査委託", &[0]),
        ],
        returns: true,
        notifies: true,
    },
    Contractor {
        name: "健康文化振興会",
        legal: "一般財団法人日本健康文化振興会",
        work: &[("健診等委託", &[0, 3])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "ニッセイコム",
        legal: "株式会社ニッセイコム",
        work: &[("健診等委託", &[0, 3])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "ベネフィット・ワン",
        legal: "株式会社ベネフィット・ワン",
        work: &[("健診等委託", &[0, 3])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "バリューHR",
        legal: "株式会社バリューHR",
        work: &[("健診等委託", &[0, 3]), ("共同健診委託", &[4])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "イーウェル",
        legal: "株式会社イーウェルヘルスケアサービス",
        work: &[("健診等委託", &[0, 3])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "MEDIROM",
        legal: "株式会社MEDIROM MOTHER Labs",
        work: &[("健診等委託", &[0, 3])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "RIZAP",
        legal: "R I Z A P 株式会社",
        work: &[("健診等委託", &[0, 3])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "JMDC",
        legal: "株式会社 J M D C",
        work: &[
            ("保健事業委託", &[3, 5]),
            ("ポリファーマシー通知", &[6]),
            ("健診レセプト分析委託", &[6, 3]),
        ],
        returns: true,
        notifies: true,
    },
    Contractor {
        name: "メドケア",
        legal: "メドケア株式会社",
        work: &[("保健事業委託", &[3, 5])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "朋明会",
        legal: "医療法人社団朋明会",
        work: &[("保健事業委託", &[3, 5])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "CureApp",
        legal: "株式会社 C u r e A p p",
        work: &[("保健事業委託", &[3, 5])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "法研",
        legal: "株式会社法研",
        work: &[("健診等委託", &[0])],
        returns: false,
        notifies: false,
    },
    Contractor {
        name: "メディブレーン",
        legal: "株式会社メディブレーン",
        work: &[("ジェネリック通知", &[6])],
        returns: false,
        notifies: true,
    },
    Contractor {
        name: "ガリバー",
        legal: "ガリバー・インターナショナル株式会社",
        work: &[("柔整点検委託", &[7])],
        returns: true,
        notifies: false,
    },
    Contractor {
        name: "東武デリバリー",
        legal: "東武デリバリー株式会社",
        work: &[("文書廃棄委託", &[9])],
        returns: false,
        notifies: false,
    },
    Contractor {
        name: "ハヤシ",
        legal: "株式会社アール・イー・ハヤシ",
        work: &[("文書廃棄委託", &[9])],
        returns: false,
        notifies: false,
    },
];

const CLAUSES: &str = "守秘義務, 持出し禁止, 目的外利用禁止, 再委託禁止, 事故時責任,\n          返還, 従業者監督, 履行報告, 従業者明確化, 立入調査";

/// Categories of the rulebook and the names of the items declared in each.
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "資格情報",
        &[
            "被保険者資格",
            "資格取得届",
            "被扶養者届",
            "適用情報",
            "扶養調査票",
            "受診券情報",
            "振替用加入者情報",
        ],
    ),
    ("保険料情報", &["標準報酬", "保険料調定"]),
    (
        "給付記録",
        &[
            "給付実績",
            "支給決定通知",
            "求償情報",
            "照会回答",
            "支払データ",
            "高額給付実績",
        ],
    ),
    ("特定健診データ", &["特定健診結果", "実施状況報告"]),
    (
        "健診データ",
        &[
            "健診申込",
            "事業主健診結果",
            "共同健診予約",
            "共同事業データ",
        ],
    ),
    ("保健指導データ", &["保健指導記録", "保健事業案内"]),
    (
        "レセプトデータ",
        &[
            "レセプト",
            "点検結果",
            "ジェネリック対象者",
            "ポリファーマシー対象者",
        ],
    ),
    (
        "療養費申請書",
        &["支給申請書", "海外療養費申請", "柔整申請書"],
    ),
    (
        "医療費データ",
        &["医療費通知データ", "分析用データ", "業務統計"],
    ),
    ("文書", &["業務記録", "廃棄文書"]),
    // 特定個人情報 (mynumber categories), 10..=16.
    ("給付情報", &["年金給付情報"]),
    ("課税・非課税情報", &["課税情報"]),
    ("他機関資格情報", &["前保険者資格情報"]),
    ("住民票関係情報", &["住民票情報"]),
    ("公金受取口座情報", &["公金口座情報"]),
    ("保険給付関連情報", &["給付関連情報"]),
    ("資格関連情報", &["資格取得情報"]),
];

/// Internal use: purpose and the categories used for it.
const INTERNAL: &[(&str, &[usize])] = &[
    ("保険給付", &[7, 2]),
    ("資格確認", &[0, 1]),
    ("保険料徴収", &[1]),
    ("被扶養者認定", &[0]),
    ("証発行管理", &[0]),
    ("健康診断等", &[4]),
    ("特定健診等", &[3, 4]),
    ("生活習慣病予防", &[5]),
    ("資金貸付", &[2]),
    ("レセプト点検", &[6]),
    ("柔整点検", &[7]),
    ("医療費分析", &[6, 2, 3, 0]),
    ("業務改善資料", &[8]),
    ("記録資料", &[9, 7]),
    ("経理事務", &[1, 2]),
];

/// 特定個人情報 the society receives (7(1)): category, the purposes it is
/// allowed for, and a purpose it is not (for MN103).
const MN_IN: &[(usize, &[&str], &str)] = &[
    (10, &["保険給付審査"], "高齢受給者負担区分判定"),
    (
        11,
        &["高齢受給者負担区分判定", "被扶養者認定"],
        "保険給付審査",
    ),
    (12, &["被保険者資格取得"], "被扶養者認定"),
    (13, &["被扶養者認定"], "被保険者資格取得"),
    (14, &["保険給付", "保険料還付"], "被扶養者認定"),
];

/// The purpose internal chains drift to (MN402). No flow brings
/// 特定個人情報 in for it, and only sinks receive it.
const DRIFT: &str = "医療費分析";

type Item = (usize, usize); // (category, index)

struct Gen {
    rng: Rng,
    out: String,
    flows: usize,
    target: usize,
    actors: BTreeSet<Actor>,
    items: BTreeSet<Item>,
    expected: BTreeMap<&'static str, usize>,
    suppressed: usize,
    violations: usize,
    sys: u32,
    sinks: u32,
    others: u32,
    employers: u32,
    hospitals: u32,
    insurers: u32,
    checkups: u32,
    /// Items declared per name in a category.
    per_name: usize,
    /// What kind of design (see [`Shape`]).
    shape: Shape,
    /// Violations per thousand units (Mixed: 40).
    rate: usize,
    /// Suppress every violation, and write unused suppressions too.
    suppress_all: bool,
    /// The `use` target.
    rules: String,
    branches: u32,
    unregistered: u32,
    no_clauses: u32,
    carriers: u32,
    misspelt: u32,
}

fn write_actor(out: &mut String, a: Actor) {
    let _ = match a {
        Actor::Sys(i) => {
            let (base, _) = SYSTEMS[i as usize % SYSTEMS.len()];
            write!(out, "{base}{:03}", i as usize / SYSTEMS.len() + 1)
        }
        Actor::Sink(i) => write!(out, "統計システム{:03}", i + 1),
        Actor::Middle => write!(out, "中間サーバー"),
        Actor::Network => write!(out, "情報提供NWS"),
        Actor::Other(i) => match OTHER_BODIES.get(i as usize) {
            Some(n) => write!(out, "{n}"),
            None => write!(out, "市町村{:03}", i as usize - OTHER_BODIES.len() + 1),
        },
        Actor::OnlineElig => write!(out, "オン資"),
        Actor::Payer => write!(out, "支払基金"),
        Actor::Employer(i) => write!(out, "事業主{:03}", i + 1),
        Actor::Kenporen => write!(out, "健保連"),
        Actor::Insurer(i) => write!(out, "損保{:02}", i + 1),
        Actor::Hospital(i) => write!(out, "医療機関{:03}", i + 1),
        Actor::Checkup(i) => write!(out, "健診機関{:02}", i + 1),
        Actor::Ministry => write!(out, "厚生労働省"),
        Actor::Contractor(j) => write!(out, "{}", CONTRACTORS[j as usize].name),
        Actor::Branch(j, i) => write!(out, "{}支店{:04}", CONTRACTORS[j as usize].name, i + 1),
        Actor::Unregistered(i) => write!(out, "未登録委託先{:04}", i + 1),
        Actor::NoClauses(i) => write!(out, "契約不備委託先{:04}", i + 1),
        Actor::MiddleN(i) => write!(out, "中間サーバー{:03}", i + 1),
        Actor::NetworkN(i) => write!(out, "情報提供NWS{:03}", i + 1),
        Actor::Member => write!(out, "加入者"),
    };
}

fn write_item(out: &mut String, (cat, k): Item) {
    let names = CATEGORIES[cat].1;
    let _ = write!(out, "{}{:03}", names[k % names.len()], k / names.len() + 1);
}

impl Gen {
    fn new(flows: usize, seed: u64) -> Gen {
        let n = flows as u32;
        Gen {
            rng: Rng::new(seed),
            out: String::with_capacity(flows * 110),
            flows: 0,
            target: flows,
            actors: BTreeSet::new(),
            items: BTreeSet::new(),
            expected: BTreeMap::new(),
            suppressed: 0,
            violations: 0,
            sys: (n / 25).max(8),
            sinks: (n / 500).max(2),
            others: (n / 100).max(6),
            employers: (n / 200).max(3),
            hospitals: (n / 200).max(3),
            insurers: (n / 2000).max(2),
            checkups: (n / 2000).max(2),
            per_name: (flows / 5000).max(1),
            shape: Shape::Mixed,
            rate: 40,
            suppress_all: false,
            rules: "kenpo".into(),
            branches: (n / 2000).max(2),
            unregistered: 0,
            no_clauses: 0,
            carriers: (n / 2000).max(2),
            misspelt: 0,
        }
    }

    fn remaining(&self) -> usize {
        self.target - self.flows
    }

    fn sys(&mut self) -> Actor {
        Actor::Sys(self.rng.below(self.sys as usize) as u32)
    }

    /// A system other than `a`.
    fn sys_but(&mut self, a: Actor) -> Actor {
        loop {
            let b = self.sys();
            if b != a {
                return b;
            }
        }
    }

    fn other(&mut self) -> Actor {
        Actor::Other(self.rng.below(self.others as usize) as u32)
    }

    fn item(&mut self, cat: usize) -> Item {
        let n = CATEGORIES[cat].1.len() * self.per_name;
        (cat, self.rng.below(n))
    }

    /// One or two items of the categories (two distinct, when they can be).
    fn items(&mut self, cats: &[usize]) -> Vec<Item> {
        let cat = self.rng.pick(cats);
        let first = self.item(cat);
        if self.rng.one_in(3) {
            let cat = self.rng.pick(cats);
            let second = self.item(cat);
            if second != first {
                return vec![first, second];
            }
        }
        vec![first]
    }

    /// Writes a flow statement.
    fn flow(
        &mut self,
        from: Actor,
        to: Actor,
        both: bool,
        items: &[Item],
        purposes: &[&str],
        via: &[Actor],
    ) {
        self.flows += 1;
        let arrow = if both {
            " <-> "
        } else if self.rng.one_in(40) {
            " → "
        } else {
            " -> "
        };
        let via_on_own_line = self.rng.one_in(2);
        let extra = self.rng.below(30);
        let out = &mut self.out;
        out.push_str("flow ");
        write_actor(out, from);
        out.push_str(arrow);
        write_actor(out, to);
        out.push_str(" : ");
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_item(out, *it);
            self.items.insert(*it);
        }
        out.push_str(" for ");
        out.push_str(&purposes.join(", "));
        if !via.is_empty() {
            out.push_str(if via_on_own_line {
                "\n     via "
            } else {
                " via "
            });
            for (i, v) in via.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_actor(out, *v);
                self.actors.insert(*v);
            }
        }
        match extra {
            0 => {
                let _ = write!(
                    out,
                    "\n     basis \"連携仕様書 別紙{}\"",
                    self.flows % 97 + 1
                );
            }
            1 => out.push_str("   # 連携仕様書 別紙参照"),
            _ => {}
        }
        out.push('\n');
        self.actors.insert(from);
        self.actors.insert(to);
    }

    fn one(&mut self, from: Actor, to: Actor, items: &[Item], purpose: &str) {
        self.flow(from, to, false, items, &[purpose], &[]);
    }

    /// Before a violating flow: a suppression comment (every tenth), or the
    /// finding is expected.
    fn violation(&mut self, code: &'static str) {
        self.violations += 1;
        if self.suppress_all || self.violations % 10 == 5 {
            self.suppressed += 1;
            let _ = writeln!(
                self.out,
                "# mynaflow: allow {code} reason=\"移行期間中の暫定運用 (課長決裁 R7-{:04})\" until=2099-03-31",
                self.suppressed
            );
        } else {
            *self.expected.entry(code).or_default() += 1;
        }
    }

    // ── Units: one or more statements that belong together ──────────────

    fn internal(&mut self) {
        let (purpose, cats) = self.rng.pick(INTERNAL);
        let from = self.sys();
        let to = self.sys_but(from);
        let items = self.items(cats);
        self.one(from, to, &items, purpose);
    }

    fn inbound_ordinary(&mut self) {
        let to = self.sys();
        let (from, purpose, cats): (Actor, &str, &[usize]) = match self.rng.below(6) {
            0 => (
                Actor::Employer(self.rng.below(self.employers as usize) as u32),
                "資格確認",
                &[0, 1],
            ),
            1 => (
                Actor::Employer(self.rng.below(self.employers as usize) as u32),
                "特定健診等",
                &[4],
            ),
            2 => self.rng.pick(&[
                (Actor::Member, "保険給付", &[7usize] as &[usize]),
                (Actor::Member, "健康診断等", &[4]),
                (Actor::Member, "資金貸付", &[2]),
            ]),
            3 => (Actor::Payer, "レセプト点検", &[6]),
            4 => (
                Actor::Hospital(self.rng.below(self.hospitals as usize) as u32),
                "柔整点検",
                &[7],
            ),
            _ => (
                Actor::Checkup(self.rng.below(self.checkups as usize) as u32),
                "特定健診等",
                &[3],
            ),
        };
        let items = self.items(cats);
        self.one(from, to, &items, purpose);
    }

    fn provision(&mut self) {
        let from = self.sys();
        let hospital = Actor::Hospital(self.rng.below(self.hospitals as usize) as u32);
        let employer = Actor::Employer(self.rng.below(self.employers as usize) as u32);
        let insurer = Actor::Insurer(self.rng.below(self.insurers as usize) as u32);
        let checkup = Actor::Checkup(self.rng.below(self.checkups as usize) as u32);
        // (receiver, purpose, categories, both ways, via)
        let (to, purpose, cats, both, via): (Actor, &str, &[usize], bool, &[Actor]) =
            match self.rng.below(14) {
                0 => (Actor::Kenporen, "高額医療給付共同事業", &[2], false, &[]),
                1 => (Actor::Kenporen, "健保連共同事業", &[4], false, &[]),
                2 => (insurer, "第三者求償", &[2], false, &[]),
                3 => (hospital, "第三者求償協議", &[2], false, &[]),
                4 => (hospital, "保険者間照会", &[2], self.rng.one_in(2), &[]),
                // 6(2) inquiries go to 医療機関 and 他保険者, not to every 他機関.
                5 => (hospital, "保険者間照会", &[2], self.rng.one_in(2), &[]),
                6 => (employer, "適用情報整備確認", &[0], false, &[]),
                7 => (employer, "コラボヘルス", &[3, 5], self.rng.one_in(2), &[]),
                8 => (Actor::Ministry, "特定健診報告", &[3], false, &[]),
                9 => (checkup, "健診等委託", &[0], false, &[]),
                10 => (
                    Actor::Payer,
                    "レセプト振替",
                    &[0],
                    false,
                    &[Actor::OnlineElig],
                ),
                11 => (
                    Actor::Payer,
                    "再審査請求照会",
                    &[0],
                    true,
                    &[Actor::OnlineElig],
                ),
                12 => (
                    Actor::OnlineElig,
                    "資格・健診データ登録",
                    &[0, 3],
                    false,
                    if self.rng.one_in(2) {
                        &[Actor::Middle] as &[Actor]
                    } else {
                        &[]
                    },
                ),
                _ => {
                    let (p, cats) = self.rng.pick(&[
                        ("保険給付", &[2usize] as &[usize]),
                        ("証発行管理", &[0]),
                        ("生活習慣病予防", &[5]),
                        ("保険料徴収", &[1]),
                    ]);
                    (Actor::Member, p, cats, false, &[])
                }
            };
        let items = self.items(cats);
        self.flow(from, to, both, &items, &[purpose], via);
    }

    fn contractor(&mut self) {
        let j = self.rng.below(CONTRACTORS.len());
        let c = &CONTRACTORS[j];
        let (purpose, cats) = self.rng.pick(c.work);
        let sys = self.sys();
        let to = Actor::Contractor(j as u8);
        let items = self.items(cats);
        let two_way = purpose == "資格データ処理委託" || purpose == "共同健診委託";
        let both = two_way && self.rng.one_in(2);
        self.flow(sys, to, both, &items, &[purpose], &[]);
        if self.remaining() == 0 {
            return;
        }
        if c.notifies && self.rng.one_in(2) {
            self.one(to, Actor::Member, &items[..1], purpose);
        } else if c.returns && self.rng.one_in(2) {
            let back = self.items(cats);
            self.one(to, sys, &back, purpose);
        }
    }

    /// An item of 7(1) coming in to a system, written with `via` or as
    /// stitched carrier hops; returns the receiving system.
    fn mn_inbound(&mut self, items: &[Item], purposes: &[&str], stitched: bool) -> Actor {
        let from = self.other();
        let to = self.sys();
        if stitched && self.remaining() >= 3 {
            self.flow(from, Actor::Network, false, items, purposes, &[]);
            self.flow(Actor::Network, Actor::Middle, false, items, purposes, &[]);
            self.flow(Actor::Middle, to, false, items, purposes, &[]);
        } else {
            let via: &[Actor] = if self.rng.one_in(4) {
                &[Actor::Network]
            } else {
                &[Actor::Network, Actor::Middle]
            };
            self.flow(from, to, false, items, purposes, via);
        }
        to
    }

    /// Passes `item` on from `start` through `hops` more systems for
    /// `purpose`; returns the last system.
    fn chain(&mut self, start: Actor, item: Item, purpose: &str, hops: usize) -> Actor {
        let mut at = start;
        for _ in 0..hops {
            let next = self.sys_but(at);
            self.one(at, next, &[item], purpose);
            at = next;
        }
        at
    }

    /// 特定個人情報 received, then used inside along a chain.
    fn mn_received(&mut self, stitched: bool) {
        let (cat, allowed, _) = self.rng.pick(MN_IN);
        let item = self.item(cat);
        let both = allowed.len() == 2 && self.rng.one_in(3);
        let purposes: Vec<&str> = if both {
            allowed.to_vec()
        } else {
            vec![self.rng.pick(allowed)]
        };
        // 課税 and 住民票 for 被扶養者認定 often come together.
        let mut items = vec![item];
        if purposes == ["被扶養者認定"] && self.rng.one_in(2) {
            let other = self.item(if cat == 11 { 13 } else { 11 });
            items.push(other);
        }
        let at = self.mn_inbound(&items, &purposes, stitched);
        let room = self.remaining();
        if room > 0 && self.rng.one_in(2) {
            let hops = self.rng.between(1, 5).min(room);
            let p = self.rng.pick(&purposes);
            self.chain(at, item, p, hops);
        }
    }

    /// 7(2): the society provides 特定個人情報 to another body.
    fn mn_outbound(&mut self) {
        let from = self.sys();
        let to = self.other();
        if self.rng.one_in(2) && self.remaining() >= 3 {
            // Only 保険給付関連情報 is written as stitched hops, so a dangling
            // 資格関連情報 hop (MN401) cannot be picked up by one.
            let item = self.item(15);
            let p = ["他機関給付事務"];
            self.flow(from, Actor::Middle, false, &[item], &p, &[]);
            self.flow(Actor::Middle, Actor::Network, false, &[item], &p, &[]);
            self.flow(Actor::Network, to, false, &[item], &p, &[]);
        } else if self.rng.one_in(2) {
            let item = self.item(16);
            self.flow(
                from,
                to,
                false,
                &[item],
                &["他機関資格確認事務"],
                &[Actor::Middle, Actor::Network],
            );
        } else {
            let item = self.item(15);
            self.flow(
                from,
                to,
                false,
                &[item],
                &["他機関給付事務"],
                &[Actor::Middle, Actor::Network],
            );
        }
    }

    /// Many senders into 情報提供NWS and many receivers out of 中間サーバー,
    /// for one item and purpose.
    fn fan(&mut self, senders: usize, receivers: usize) {
        let (cat, allowed, _) = self.rng.pick(MN_IN);
        let item = self.item(cat);
        let p = [self.rng.pick(allowed)];
        // Distinct senders and receivers: consecutive from a random start.
        let first = self.rng.below(self.others as usize);
        for i in 0..senders.min(self.others as usize) {
            let from = Actor::Other(((first + i) % self.others as usize) as u32);
            self.flow(from, Actor::Network, false, &[item], &p, &[]);
        }
        self.flow(Actor::Network, Actor::Middle, false, &[item], &p, &[]);
        let first = self.rng.below(self.sys as usize);
        for i in 0..receivers.min(self.sys as usize) {
            let to = Actor::Sys(((first + i) % self.sys as usize) as u32);
            self.flow(Actor::Middle, to, false, &[item], &p, &[]);
        }
    }

    fn violating(&mut self) {
        match self.rng.below(5) {
            0 => {
                // MN102: 7(1) data sent the wrong way.
                let (cat, allowed, _) = self.rng.pick(MN_IN);
                let item = self.item(cat);
                let (from, to) = (self.sys(), self.other());
                let p = self.rng.pick(allowed);
                self.violation("MN102");
                self.flow(
                    from,
                    to,
                    false,
                    &[item],
                    &[p],
                    &[Actor::Middle, Actor::Network],
                );
            }
            1 => {
                // MN103: received for a purpose no rule gives it.
                let (cat, _, wrong) = self.rng.pick(MN_IN);
                let item = self.item(cat);
                let (from, to) = (self.other(), self.sys());
                self.violation("MN103");
                self.flow(
                    from,
                    to,
                    false,
                    &[item],
                    &[wrong],
                    &[Actor::Network, Actor::Middle],
                );
            }
            2 => {
                // MN104: not through 情報提供ネットワークシステム.
                let (cat, allowed, _) = self.rng.pick(MN_IN);
                let item = self.item(cat);
                let (from, to) = (self.other(), self.sys());
                let via: &[Actor] = if self.rng.one_in(2) {
                    &[]
                } else {
                    &[Actor::Middle]
                };
                let p = self.rng.pick(allowed);
                self.violation("MN104");
                self.flow(from, to, false, &[item], &[p], via);
            }
            3 if self.remaining() >= 3 => {
                // MN402: a chain that ends in another purpose.
                let (cat, allowed, _) = self.rng.pick(MN_IN);
                let item = self.item(cat);
                let p = self.rng.pick(allowed);
                let at = self.mn_inbound(&[item], &[p], false);
                let hops = self.rng.between(0, 3).min(self.remaining() - 1);
                let last = self.chain(at, item, p, hops);
                let sink = Actor::Sink(self.rng.below(self.sinks as usize) as u32);
                self.violation("MN402");
                self.one(last, sink, &[item], DRIFT);
            }
            _ => {
                // MN401: into 中間サーバー, and no hop carries it on.
                let item = self.item(16);
                let from = self.sys();
                self.violation("MN401");
                self.one(from, Actor::Middle, &[item], "他機関資格確認事務");
            }
        }
    }

    fn unit(&mut self) {
        if self.flows.is_multiple_of(60) {
            let _ = writeln!(self.out, "\n# ---- 連携群 {:05} ----", self.flows / 60 + 1);
        }
        let room = self.remaining();
        match self.rng.below(1000) {
            0..40 => self.violating(),
            40..345 => self.internal(),
            345..445 => self.inbound_ordinary(),
            445..575 => self.provision(),
            575..695 => self.contractor(),
            695..805 => self.mn_received(false),
            805..885 => self.mn_received(true),
            885..955 => self.mn_outbound(),
            955..965 if room >= 10 => {
                let s = self.rng.between(3, 40).min(room / 2 - 1);
                let r = self.rng.between(3, 40).min(room - s - 1);
                self.fan(s, r)
            }
            _ => self.internal(),
        }
    }

    // ── Shapes: units that stress one mechanism ─────────────────────────

    /// 特定個人情報 received, then passed along a long internal chain
    /// (20–200 hops through random systems, so chains cross and revisit);
    /// one chain in three drifts to another purpose at its end (MN402,
    /// with a long witness path).
    fn long_chain(&mut self) {
        let (cat, allowed, _) = self.rng.pick(MN_IN);
        let item = self.item(cat);
        let p = self.rng.pick(allowed);
        let stitched = self.rng.one_in(2);
        let at = self.mn_inbound(&[item], &[p], stitched);
        let room = self.remaining();
        if room == 0 {
            return;
        }
        let drift = room >= 2 && self.rng.one_in(3);
        let hops = self.rng.between(20, 200).min(room - usize::from(drift));
        let last = self.chain(at, item, p, hops);
        if drift {
            let sink = Actor::Sink(self.rng.below(self.sinks as usize) as u32);
            self.violation("MN402");
            self.one(last, sink, &[item], DRIFT);
        }
    }

    /// 特定個人情報 received by a hub system and passed on to 50–1000
    /// systems for the same purpose; one receiver in 40 passes it on for
    /// another purpose (MN402).
    fn wide_fan(&mut self) {
        let (cat, allowed, _) = self.rng.pick(MN_IN);
        let item = self.item(cat);
        let p = self.rng.pick(allowed);
        let hub = self.mn_inbound(&[item], &[p], false);
        let width = self.rng.between(50, 1000);
        for _ in 0..width {
            if self.remaining() == 0 {
                return;
            }
            let to = self.sys_but(hub);
            self.one(hub, to, &[item], p);
            if self.remaining() > 0 && self.rng.one_in(40) {
                let sink = Actor::Sink(self.rng.below(self.sinks as usize) as u32);
                self.violation("MN402");
                self.one(to, sink, &[item], DRIFT);
            }
        }
    }

    /// 7(1) data from several bodies into one of many 情報提供NWS, often
    /// through a second one, to one of many 中間サーバー and out to several
    /// systems, all as separate hops to stitch; one unit in 20 also sends
    /// 資格関連情報 into a 中間サーバー that carries it nowhere (MN401).
    fn carrier_hops(&mut self) {
        let (cat, allowed, _) = self.rng.pick(MN_IN);
        let item = self.item(cat);
        let p = [self.rng.pick(allowed)];
        let nw = Actor::NetworkN(self.rng.below(self.carriers as usize) as u32);
        let md = Actor::MiddleN(self.rng.below(self.carriers as usize) as u32);
        let senders = self.rng.between(1, 8);
        let receivers = self.rng.between(1, 8);
        if self.remaining() < senders + receivers + 2 {
            return self.internal();
        }
        for _ in 0..senders {
            let from = self.other();
            self.flow(from, nw, false, &[item], &p, &[]);
        }
        let last = if self.rng.one_in(2) {
            let nw2 = Actor::NetworkN(self.rng.below(self.carriers as usize) as u32);
            if nw2 != nw {
                self.flow(nw, nw2, false, &[item], &p, &[]);
                nw2
            } else {
                nw
            }
        } else {
            nw
        };
        self.flow(last, md, false, &[item], &p, &[]);
        for _ in 0..receivers {
            if self.remaining() == 0 {
                return;
            }
            let to = self.sys();
            self.flow(md, to, false, &[item], &p, &[]);
        }
        if self.remaining() > 0 && self.rng.one_in(20) {
            let item = self.item(16);
            let from = self.sys();
            let md = Actor::MiddleN(self.rng.below(self.carriers as usize) as u32);
            self.violation("MN401");
            self.one(from, md, &[item], "他機関資格確認事務");
        }
    }

    /// Entrustment to one of many branches of the registered contractors,
    /// and re-entrusting between them; now and then to a contractor that is
    /// not registered (MN301), on to one (MN302), or to one whose contract
    /// lacks clauses (MN303).
    fn entrusting(&mut self) {
        let j = self.rng.below(CONTRACTORS.len());
        let (purpose, cats) = self.rng.pick(CONTRACTORS[j].work);
        let sys = self.sys();
        let items = self.items(cats);
        let branch = Actor::Branch(j as u8, self.rng.below(self.branches as usize) as u32);
        match self.rng.below(20) {
            0 => {
                // MN301 is on the flow, one per flow and purpose; each
                // unregistered contractor gets one flow, so one finding.
                // Never suppressed here, so that unsuppressed MN301 stays
                // in every design.
                let u = Actor::Unregistered(self.unregistered);
                self.unregistered += 1;
                *self.expected.entry("MN301").or_default() += 1;
                self.flow(sys, u, false, &items, &[purpose], &[]);
            }
            1 if self.remaining() >= 2 => {
                self.flow(sys, branch, false, &items, &[purpose], &[]);
                let u = Actor::Unregistered(self.unregistered);
                self.unregistered += 1;
                // MN302 is on the flow, one per flow and purpose.
                self.violation("MN302");
                self.flow(branch, u, false, &items[..1], &[purpose], &[]);
            }
            2 => {
                // Registered (its label is 大和総研's legal name), but the
                // declared `clauses` block has two clauses of ten. MN303 is
                // on the declaration (only of a declared block), so it is
                // never suppressed here.
                let (purpose, cats) = self.rng.pick(CONTRACTORS[1].work);
                let items = self.items(cats);
                let c = Actor::NoClauses(self.no_clauses);
                self.no_clauses += 1;
                *self.expected.entry("MN303").or_default() += 1;
                self.flow(sys, c, false, &items, &[purpose], &[]);
            }
            3..=9 if self.remaining() >= 2 => {
                // Re-entrusted to another contractor registered for the
                // same purpose: allowed.
                self.flow(sys, branch, false, &items, &[purpose], &[]);
                let others: Vec<usize> = (0..CONTRACTORS.len())
                    .filter(|&k| CONTRACTORS[k].work.iter().any(|(p, _)| *p == purpose))
                    .collect();
                let k = self.rng.pick(&others);
                let to = Actor::Branch(k as u8, self.rng.below(self.branches as usize) as u32);
                if to != branch {
                    self.flow(branch, to, false, &items, &[purpose], &[]);
                }
            }
            _ => {
                self.flow(sys, branch, false, &items, &[purpose], &[]);
                if self.remaining() > 0 && CONTRACTORS[j].returns && self.rng.one_in(2) {
                    let back = self.items(cats);
                    self.one(branch, sys, &back, purpose);
                }
            }
        }
    }

    /// An internal flow whose sender is misspelt, differently every time:
    /// MN010, and a "did you mean" search per misspelling.
    fn misspelt(&mut self) {
        let (purpose, cats) = self.rng.pick(INTERNAL);
        let from = self.sys();
        let to = self.sys_but(from);
        let items = self.items(cats);
        let mut name = String::new();
        write_actor(&mut name, from);
        // Drop the second character and make the spelling unique.
        let mut chars: Vec<char> = name.chars().collect();
        chars.remove(1);
        let wrong: String = chars.into_iter().collect();
        self.misspelt += 1;
        *self.expected.entry("MN010").or_default() += 1;
        self.flows += 1;
        let _ = write!(self.out, "flow {wrong}x{:06} -> ", self.misspelt);
        write_actor(&mut self.out, to);
        self.out.push_str(" : ");
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            write_item(&mut self.out, *it);
            self.items.insert(*it);
        }
        let _ = writeln!(self.out, " for {purpose}");
        self.actors.insert(to);
    }

    /// A suppression above a flow that gives nothing to suppress (MN503).
    fn unused_suppression(&mut self) {
        let _ = writeln!(
            self.out,
            "# mynaflow: allow MN102 reason=\"旧設計からの移行 (暫定)\" until=2099-03-31"
        );
        *self.expected.entry("MN503").or_default() += 1;
        self.internal();
    }

    /// One unit of the design's shape: mostly the shape's own kind, with
    /// the mixed units around it so the design stays realistic.
    fn shaped_unit(&mut self) {
        if self.flows.is_multiple_of(60) {
            let _ = writeln!(self.out, "\n# ---- 連携群 {:05} ----", self.flows / 60 + 1);
        }
        let own = self.rng.below(10) < 8;
        match self.shape {
            Shape::Chains if own => self.long_chain(),
            Shape::Fans if own => self.wide_fan(),
            Shape::Carriers if own => self.carrier_hops(),
            Shape::Contractors if own => self.entrusting(),
            Shape::Misspellings if self.rng.below(100) < 2 => self.misspelt(),
            Shape::Suppressions if self.rng.below(100) < 3 => self.unused_suppression(),
            Shape::Findings | Shape::Suppressions | Shape::Misspellings => {
                if self.rng.below(1000) < self.rate {
                    self.violating()
                } else {
                    self.unit_without_violations()
                }
            }
            _ => self.unit(),
        }
    }

    /// A unit of the mixed design that plants nothing.
    fn unit_without_violations(&mut self) {
        let room = self.remaining();
        match self.rng.below(960) + 40 {
            40..345 => self.internal(),
            345..445 => self.inbound_ordinary(),
            445..575 => self.provision(),
            575..695 => self.contractor(),
            695..805 => self.mn_received(false),
            805..885 => self.mn_received(true),
            885..955 => self.mn_outbound(),
            955..965 if room >= 10 => {
                let s = self.rng.between(3, 40).min(room / 2 - 1);
                let r = self.rng.between(3, 40).min(room - s - 1);
                self.fan(s, r)
            }
            _ => self.internal(),
        }
    }

    /// The whole file: header, declarations of what the flows use, flows.
    fn finish(self) -> Generated {
        let mut text = String::with_capacity(self.out.len() + self.actors.len() * 120 + 4096);
        let _ = writeln!(
            text,
            "# =============================================================================\n\
             # 〇〇健康保険組合 システム連携設計書 (生成: {} 本の流れ)\n\
             # 準拠 「個人情報の利用目的」 (組込み規則集 kenpo)\n\
             # =============================================================================\n\n\
             use \"{}\"\n",
            self.flows, self.rules
        );
        let mut group = "";
        for &a in &self.actors {
            let heading = match a {
                Actor::Sys(_) | Actor::Sink(_) => "組合内部のシステム",
                Actor::Middle | Actor::Network | Actor::MiddleN(_) | Actor::NetworkN(_) => {
                    "中継 (carrier)"
                }
                Actor::Contractor(_)
                | Actor::Branch(..)
                | Actor::Unregistered(_)
                | Actor::NoClauses(_) => "委託先 (別表(1)の法人名をラベルにする)",
                _ => "組合の外の当事者",
            };
            if heading != group {
                group = heading;
                let _ = writeln!(text, "\n# ---- {heading} ----");
            }
            text.push_str("actor ");
            write_actor(&mut text, a);
            let _ = match a {
                Actor::Sys(i) => {
                    let (_, what) = SYSTEMS[i as usize % SYSTEMS.len()];
                    writeln!(
                        text,
                        " : 組合 \"{what} (第{}系)\"",
                        i as usize / SYSTEMS.len() + 1
                    )
                }
                Actor::Sink(_) => writeln!(text, " : 組合 \"統計・分析システム\""),
                Actor::Middle => writeln!(text, " : 中間サーバー \"医療保険者等向け中間サーバー\""),
                Actor::Network => writeln!(
                    text,
                    " : 情報提供ネットワークシステム \"情報提供ネットワークシステム (デジタル庁)\""
                ),
                Actor::Other(_) => writeln!(text, " : 他機関"),
                Actor::OnlineElig => writeln!(
                    text,
                    " : オンライン資格確認等システム \"オンライン資格確認等システム\""
                ),
                Actor::Payer => writeln!(text, " : 審査支払機関 \"社会保険診療報酬支払基金\""),
                Actor::Employer(_) => writeln!(text, " : 事業主"),
                Actor::Kenporen => writeln!(text, " : 健保連 \"健康保険組合連合会\""),
                Actor::Insurer(_) => writeln!(text, " : 保険会社"),
                Actor::Hospital(_) => writeln!(text, " : 医療機関"),
                // 健診機関 is a contractor role, registered by kind.
                Actor::Checkup(_) => writeln!(text, " : 健診機関 {{\n  clauses {CLAUSES}\n}}"),
                Actor::Ministry => writeln!(text, " : 主務行政庁 \"厚生労働省 保険局\""),
                Actor::Contractor(j) => writeln!(
                    text,
                    " : 委託先 \"{}\" {{\n  clauses {CLAUSES}\n}}",
                    CONTRACTORS[j as usize].legal
                ),
                Actor::Branch(j, _) => writeln!(
                    text,
                    " : 委託先 \"{}\" {{\n  clauses {CLAUSES}\n}}",
                    CONTRACTORS[j as usize].legal
                ),
                Actor::Unregistered(i) => writeln!(
                    text,
                    " : 委託先 \"株式会社未登録{:04}\" {{\n  clauses {CLAUSES}\n}}",
                    i + 1
                ),
                Actor::NoClauses(_) => writeln!(
                    text,
                    " : 委託先 \"{}\" {{\n  clauses 守秘義務, 持出し禁止\n}}",
                    CONTRACTORS[1].legal
                ),
                Actor::MiddleN(_) => writeln!(text, " : 中間サーバー"),
                Actor::NetworkN(_) => writeln!(text, " : 情報提供ネットワークシステム"),
                Actor::Member => writeln!(text, " : 本人 \"被保険者及び被扶養者\""),
            };
        }
        text.push_str("\n# ---- データ項目 ----\n");
        for &it in &self.items {
            text.push_str("data ");
            write_item(&mut text, it);
            let _ = writeln!(text, " : {}", CATEGORIES[it.0].0);
        }
        text.push_str("\n# ---- 連携 ----\n");
        text.push_str(&self.out);
        Generated {
            text,
            flows: self.flows,
            expected: self.expected,
            suppressed: self.suppressed,
        }
    }
}

/// A design of exactly `flows` flow statements (at least 1).
pub fn generate(flows: usize, seed: u64) -> Generated {
    let mut g = Gen::new(flows.max(1), seed);
    while g.remaining() > 0 {
        g.unit();
    }
    g.finish()
}

/// The kinds of design the benchmarks run, each stressing one mechanism
/// so that no superlinear path can hide behind an average design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// The realistic mix of [`generate`]: about 2 % findings.
    Mixed,
    /// Long internal chains of 特定個人情報 (MN402 propagation, long
    /// witness paths).
    Chains,
    /// Wide fans of 特定個人情報 from hub systems (MN402 worklist).
    Fans,
    /// Many carriers and stitched carrier hops, some dangling (MN401).
    Carriers,
    /// Many contractor branches, re-entrusting, MN301–MN303.
    Contractors,
    /// 20 % of units violate a rule.
    Findings,
    /// 10 % violations, every one suppressed, and unused suppressions.
    Suppressions,
    /// 2 % of units misspell a system's name, each differently (MN010).
    Misspellings,
}

impl Shape {
    /// Every shape.
    pub const ALL: &'static [Shape] = &[
        Shape::Mixed,
        Shape::Chains,
        Shape::Fans,
        Shape::Carriers,
        Shape::Contractors,
        Shape::Findings,
        Shape::Suppressions,
        Shape::Misspellings,
    ];

    /// The shape's name, as the benchmarks and the scale script spell it.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Mixed => "mixed",
            Shape::Chains => "chains",
            Shape::Fans => "fans",
            Shape::Carriers => "carriers",
            Shape::Contractors => "contractors",
            Shape::Findings => "findings",
            Shape::Suppressions => "suppressions",
            Shape::Misspellings => "misspellings",
        }
    }

    /// The shape named `name`.
    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL.iter().copied().find(|s| s.name() == name)
    }
}

/// A design of exactly `flows` flow statements of the given shape.
pub fn shaped(shape: Shape, flows: usize, seed: u64) -> Generated {
    if shape == Shape::Mixed {
        return generate(flows, seed);
    }
    let mut g = Gen::new(flows.max(1), seed);
    g.shape = shape;
    match shape {
        Shape::Findings => g.rate = 200,
        Shape::Suppressions => {
            g.rate = 100;
            g.suppress_all = true;
        }
        Shape::Misspellings => g.rate = 20,
        _ => {}
    }
    while g.remaining() > 0 {
        g.shaped_unit();
    }
    g.finish()
}

/// Several designs that share one rulebook file, as a society's designs
/// folder does: `files` designs of `flows / files` flows each (mixed
/// shape, seeds differ), each with `use "rules.myna"`.
pub struct Shared {
    /// The rulebook file's name and text (a copy of `kenpo`).
    pub rulebook: (&'static str, &'static str),
    /// Each design's file name and the design.
    pub designs: Vec<(String, Generated)>,
}

/// See [`Shared`].
pub fn shared(flows: usize, files: usize, seed: u64) -> Shared {
    let files = files.max(1);
    let designs = (0..files)
        .map(|i| {
            let mut g = Gen::new((flows / files).max(1), seed.wrapping_add(i as u64));
            g.rules = "rules.myna".into();
            while g.remaining() > 0 {
                g.unit();
            }
            (format!("design-{:03}.myna", i + 1), g.finish())
        })
        .collect();
    Shared {
        rulebook: ("rules.myna", include_str!("../../rules/kenpo.myna")),
        designs,
    }
}

/// Only fan-in and fan-out: `senders` other bodies send one item for one
/// purpose into 情報提供NWS, one hop takes it to 中間サーバー, and
/// `receivers` systems receive it from there. Stitching must cost
/// senders + receivers, not senders × receivers. Gives no findings.
pub fn fan(senders: usize, receivers: usize) -> Generated {
    let mut g = Gen::new(senders + receivers + 1, SEED);
    g.others = senders as u32;
    g.sys = receivers as u32;
    let item = (11, 0);
    let p = ["被扶養者認定"];
    for i in 0..senders {
        g.flow(
            Actor::Other(i as u32),
            Actor::Network,
            false,
            &[item],
            &p,
            &[],
        );
    }
    g.flow(Actor::Network, Actor::Middle, false, &[item], &p, &[]);
    for i in 0..receivers {
        g.flow(Actor::Middle, Actor::Sys(i as u32), false, &[item], &p, &[]);
    }
    g.finish()
}
