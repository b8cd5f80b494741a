//! `--report FILE.html`: one self-contained page an organizer can open on the
//! offline laptop. No script, no external asset, no link: inline CSS and an SVG
//! chart drawn here. It holds counts, and the affiliations of public signers only.

use std::collections::{BTreeMap, HashMap};

use crate::record::{Check, Record};

use super::chart::{self, Bar};
use super::review::Route;

/// Counts gathered while the outputs are written. Memory grows with the number
/// of distinct days, languages, flags and public affiliations, not with signers.
#[derive(Default, Debug)]
pub struct Tally {
    /// Record lines of the export, withdrawn ones included.
    pub records: u64,
    /// Records dropped unopened: their signers withdrew them.
    pub withdrawn: u64,
    pub decrypted: u64,
    pub failed: u64,
    pub kept: u64,
    pub duplicates: u64,
    pub suspicious: u64,
    /// Set aside because they break the server's rules.
    pub malformed: u64,
    /// Decrypted records carrying at least one flag (malformed ones not counted).
    pub flagged: u64,
    /// Records carrying each flag (a record may carry several).
    pub flags: BTreeMap<String, u64>,
    pub public: u64,
    pub per_day: BTreeMap<String, u64>,
    pub languages: BTreeMap<String, u64>,
    /// pow, hcaptcha, none.
    pub checks: [u64; 3],
    /// Signatures kept, by who sealed them: the server, the signer's browser.
    pub sealed: [u64; 2],
    /// Case-folded affiliation → (first spelling seen, count), public signers only.
    affiliations: HashMap<String, (String, u64)>,
}

impl Tally {
    pub fn count(&mut self, r: &Record, route: Route) {
        self.decrypted += 1;
        if route == Route::Malformed {
            // None of its values is to be trusted, not even its flags: counted only.
            self.malformed += 1;
            return;
        }
        if !r.flags.is_empty() {
            self.flagged += 1;
        }
        for f in &r.flags {
            *self.flags.entry(f.clone()).or_default() += 1;
        }
        match route {
            Route::Duplicate => self.duplicates += 1,
            Route::Suspicious => self.suspicious += 1,
            Route::Malformed => {}
            Route::Keep => {
                self.kept += 1;
                *self.per_day.entry(r.day.clone()).or_default() += 1;
                *self.languages.entry(r.lang.clone()).or_default() += 1;
                self.checks[match r.check {
                    Check::Pow => 0,
                    Check::Hcaptcha => 1,
                    Check::None => 2,
                }] += 1;
                self.sealed[match r.sealed {
                    crate::layout::Sealed::Server => 0,
                    crate::layout::Sealed::Browser => 1,
                }] += 1;
                if r.public {
                    self.public += 1;
                    let aff = r.affiliation.trim();
                    if !aff.is_empty() {
                        self.affiliations
                            .entry(aff.to_lowercase())
                            .or_insert_with(|| (aff.to_string(), 0))
                            .1 += 1;
                    }
                }
            }
        }
    }

    /// The most frequent affiliations of public signers, most frequent first.
    pub fn top_affiliations(&self, n: usize) -> Vec<(&str, u64)> {
        let mut all: Vec<(&str, u64)> = self
            .affiliations
            .values()
            .map(|(name, count)| (name.as_str(), *count))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        all.truncate(n);
        all
    }
}

/// Escapes text for HTML and SVG (element content and quoted attributes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else {
        format!("{p:.1}%")
    }
}

fn flag_meaning(flag: &str) -> &'static str {
    match flag {
        "honeypot" => "filled in the hidden field that only robots see",
        "too_fast" => "sent sooner after loading the page than a person types",
        "no_token" => {
            "did not come through the petition page (for example the JSON interface or a script)"
        }
        "spent_token" => "reused a form token",
        _ => "",
    }
}

/// A table of `label, count, share` rows with a small bar per row.
fn table(head: &str, rows: &[(String, u64, &str)], whole: u64) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let mut out = format!(
        "<table><thead><tr><th>{}</th><th class=\"n\">Count</th><th class=\"n\">Share</th><th></th></tr></thead><tbody>\n",
        escape(head)
    );
    for (label, count, note) in rows {
        let width = (*count as f64 * 100.0 / max as f64).round();
        out.push_str(&format!(
            "<tr><td dir=\"auto\">{}{}</td><td class=\"n\">{count}</td><td class=\"n\">{}</td>\
             <td class=\"bar\"><span style=\"width:{width}%\"></span></td></tr>\n",
            escape(label),
            if note.is_empty() {
                String::new()
            } else {
                format!("<div class=\"note\">{}</div>", escape(note))
            },
            percent(*count, whole),
        ));
    }
    if rows.is_empty() {
        out.push_str("<tr><td colspan=\"4\" class=\"none\">None.</td></tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// What the report needs besides the tally.
pub struct Context<'a> {
    pub petition: &'a str,
    pub export_name: &'a str,
    pub generated: &'a str,
    /// The flags that set a record aside, and whether records were set aside at all.
    pub suspicious_flags: &'a [String],
    pub split_suspicious: bool,
    /// Dropped duplicates went to a review file.
    pub duplicates_listed: bool,
}

pub fn render(t: &Tally, cx: &Context<'_>) -> String {
    let card = |n: u64, label: &str, class: &str| {
        format!(
            "<div class=\"card {class}\"><div class=\"big\">{n}</div><div>{}</div></div>",
            escape(label)
        )
    };
    let mut cards = vec![
        card(t.kept, "signatures kept", "main"),
        card(t.withdrawn, "withdrawn by their signers", ""),
        card(t.duplicates, "duplicates dropped (same email)", ""),
        card(t.suspicious, "set aside as suspicious", ""),
        card(
            t.failed,
            "failed to decrypt",
            if t.failed > 0 { "warn" } else { "" },
        ),
        card(t.public, "asked to be listed publicly", ""),
        card(t.records, "records in the export", ""),
    ];
    if t.malformed > 0 {
        // Rare, and a sign of forgery or a broken client: shown only when it happened.
        cards.insert(
            3,
            card(
                t.malformed,
                "set aside as malformed (not as the server writes records)",
                "warn",
            ),
        );
    }
    let cards = cards.join("\n");

    let (bars, unit) = chart::bars_per_period(&t.per_day);
    let chart_svg = chart::svg(&bars, unit);
    let first_last = match (bars.first(), bars.last()) {
        (Some(a), Some(b)) => format!(
            "From {} to {}; busiest {}: {} ({}).",
            escape(&a.label),
            escape(&b.label),
            unit.name(),
            escape(&busiest(&bars).label),
            busiest(&bars).value
        ),
        _ => "No signature to chart.".into(),
    };

    let langs: Vec<(String, u64, &str)> = sorted_desc(&t.languages)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v, ""))
        .collect();
    let checks = vec![
        (
            "pow".to_string(),
            t.checks[0],
            "solved the proof-of-work puzzle in the browser",
        ),
        ("hcaptcha".to_string(), t.checks[1], "passed hCaptcha"),
        (
            "none".to_string(),
            t.checks[2],
            "signed without JavaScript (a legitimate path, under a stricter rate limit)",
        ),
    ];
    let sealed = vec![
        (
            "browser".to_string(),
            t.sealed[1],
            "sealed in the signer's browser: the server never saw the names",
        ),
        (
            "server".to_string(),
            t.sealed[0],
            "sealed by the server on arrival (JavaScript off, or a browser that could not seal)",
        ),
    ];
    let flags: Vec<(String, u64, &str)> = sorted_desc(&t.flags)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v, flag_meaning(k)))
        .collect();
    let affs: Vec<(String, u64, &str)> = t
        .top_affiliations(15)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v, ""))
        .collect();

    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Signature report: {petition}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
         <header><h1>Signature report</h1>\n<p class=\"sub\">Petition <b>{petition}</b> · export {export} · made {generated} (UTC) \
         by <code>undersign decrypt</code>. Counts only, plus the affiliations of signers who asked to be listed.</p></header>\n\
         <section class=\"cards\">\n{cards}\n</section>\n\
         <section><h2>Signatures kept per {unit}</h2>\n<p>{first_last}</p>\n{chart_svg}</section>\n\
         <div class=\"cols\">\n\
         <section><h2>Languages</h2>\n{langs}</section>\n\
         <section><h2>Checks passed</h2>\n{checks}</section>\n\
         </div>\n\
         <section><h2>Sealed by</h2>\n{sealed}</section>\n\
         <div class=\"cols\">\n\
         <section><h2>Flags</h2>\n<p>{flagged} of {decrypted} decrypted records carry a flag. {suspect}</p>\n{flags}</section>\n\
         <section><h2>Top affiliations of public signers</h2>\n{affs}</section>\n\
         </div>\n\
         <section><h2>Duplicates</h2>\n<p>{dups}</p></section>\n\
         </body>\n</html>\n",
        petition = escape(cx.petition),
        export = escape(cx.export_name),
        generated = escape(cx.generated),
        unit = unit.name(),
        langs = table("Language", &langs, t.kept),
        checks = table("Check", &checks, t.kept),
        sealed = table("Sealed by", &sealed, t.kept),
        flagged = t.flagged,
        decrypted = t.decrypted,
        suspect = suspect_note(cx),
        flags = table("Flag", &flags, t.decrypted),
        affs = table("Affiliation", &affs, t.public),
        dups = duplicates_note(t, cx),
    )
}

fn duplicates_note(t: &Tally, cx: &Context<'_>) -> String {
    match t.duplicates {
        0 => "No record was dropped as a duplicate.".into(),
        n => format!(
            "{n} {} the same email as another one (compared without case, spaces or Unicode width \
             differences). For each email the record with the earliest day was kept{}.",
            if n == 1 { "record had" } else { "records had" },
            if cx.duplicates_listed {
                "; the others are listed in the review file"
            } else {
                ""
            }
        ),
    }
}

fn suspect_note(cx: &Context<'_>) -> String {
    if cx.split_suspicious && !cx.suspicious_flags.is_empty() {
        format!(
            "Records flagged {} were set aside in the suspicious file; other flags stay in the \
             spreadsheet's <code>flags</code> column.",
            escape(&cx.suspicious_flags.join(" or "))
        )
    } else {
        "No record was set aside: flagged records are in the output, with their \
         <code>flags</code>."
            .into()
    }
}

fn busiest(bars: &[Bar]) -> &Bar {
    // Callers check `bars` is not empty; the first maximum wins.
    bars.iter().fold(
        &bars[0],
        |best, b| if b.value > best.value { b } else { best },
    )
}

fn sorted_desc(m: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v
}

const CSS: &str = "\
:root{--ink:#1d2330;--muted:#5b6475;--line:#dde1e8;--accent:#2f6f4f;--warn:#a33a1f}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--ink);max-width:62rem;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0;font-size:1.7rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.sub{color:var(--muted);margin:0 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.7rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.7rem .8rem;color:var(--muted)}
.card .big{font-size:1.8rem;font-weight:700;color:var(--ink)}
.card.main{border-color:var(--accent);background:#f1f7f3}.card.main .big{color:var(--accent)}
.card.warn{border-color:var(--warn)}.card.warn .big{color:var(--warn)}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(22rem,100%),1fr));gap:0 2rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{width:28%}.bar span{display:block;height:.8rem;margin-top:.3rem;background:var(--accent);border-radius:2px;min-width:1px}
.note{font-size:.8rem;color:var(--muted)}.none{color:var(--muted)}
svg{width:100%;height:auto;display:block}
code{font-size:.9em}
";

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(day: &str, lang: &str, public: bool, aff: &str, flags: &[&str]) -> Record {
        let flags: Vec<String> = flags.iter().map(|f| format!("\"{f}\"")).collect();
        Record::from_json(
            format!(
                r#"{{"v":1,"petition":"p","first_name":"F","last_name":"L","affiliation":"{aff}","public":{public},"lang":"{lang}","day":"{day}","check":"pow","flags":[{}]}}"#,
                flags.join(",")
            )
            .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn the_page_has_totals_a_chart_and_nothing_external() {
        let mut t = Tally {
            records: 5,
            ..Tally::default()
        };
        t.count(
            &rec("2026-11-28", "en", true, "Union <b>", &[]),
            Route::Keep,
        );
        t.count(
            &rec("2026-11-30", "fr", true, "union <b>", &[]),
            Route::Keep,
        );
        t.count(
            &rec("2026-11-30", "fr", false, "", &["honeypot"]),
            Route::Suspicious,
        );
        t.count(&rec("2026-11-30", "fr", false, "", &[]), Route::Duplicate);
        t.failed = 1;
        let html = render(
            &t,
            &Context {
                petition: "p",
                export_name: "e.jsonl",
                generated: "2026-12-01",
                suspicious_flags: &["honeypot".into()],
                split_suspicious: true,
                duplicates_listed: true,
            },
        );
        assert!(html.contains("<svg"));
        assert!(!html.contains("<script") && !html.contains("http:") && !html.contains("https:"));
        assert!(html.contains("Union &lt;b&gt;</td>") || html.contains("Union &lt;b&gt;<"));
        assert_eq!(t.top_affiliations(5), vec![("Union <b>", 2)]);
        assert_eq!(t.flags["honeypot"], 1);
        assert_eq!((t.kept, t.duplicates, t.suspicious), (2, 1, 1));
    }

    #[test]
    fn a_malformed_record_is_counted_and_none_of_its_values_reach_the_page() {
        let mut t = Tally::default();
        let forged = rec("2026-11-30", "xx", true, "Forged", &["\\u001b]0;X\\u0007"]);
        assert!(forged.flags[0].contains('\u{1b}'));
        t.count(&forged, Route::Malformed);
        assert_eq!(
            (t.decrypted, t.malformed, t.flagged, t.public),
            (1, 1, 0, 0)
        );
        assert!(t.flags.is_empty() && t.languages.is_empty() && t.per_day.is_empty());
        let html = render(
            &t,
            &Context {
                petition: "p",
                export_name: "e.jsonl",
                generated: "2026-12-01",
                suspicious_flags: &[],
                split_suspicious: true,
                duplicates_listed: true,
            },
        );
        assert!(html.contains("set aside as malformed"));
        assert!(!html.contains('\u{1b}') && !html.contains("Forged") && !html.contains("xx"));
    }
}
