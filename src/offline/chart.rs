//! The report's bar chart, drawn as inline SVG by hand: a plotting crate would
//! add dependencies for a few dozen rectangles.

use std::collections::BTreeMap;
use std::fmt::Write;

use time::{Date, Month};

use super::report::escape;
use super::review::day_number;

/// One bar: a period and how many signatures it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
}

/// How long one bar is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Day,
    Month,
    Year,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }
}

/// Days with no signature still get a (zero) bar, so the chart's shape is the
/// petition's pace. Long petitions are shown per month, very long ones per year.
/// Days that are not dates (a forged record) get one last bar, "unknown".
pub fn bars_per_period(per_day: &BTreeMap<String, u64>) -> (Vec<Bar>, Unit) {
    let mut dated: BTreeMap<Date, u64> = BTreeMap::new();
    let mut unknown = 0;
    for (day, n) in per_day {
        match parse_day(day) {
            Some(d) => *dated.entry(d).or_default() += n,
            None => unknown += n,
        }
    }
    let (mut bars, unit) = match (dated.first_key_value(), dated.last_key_value()) {
        (Some((&first, _)), Some((&last, _))) => {
            let days = (last - first).whole_days();
            let months =
                (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
            if days <= 92 {
                let mut bars = Vec::new();
                let mut d = first;
                loop {
                    bars.push(Bar {
                        label: d.to_string(),
                        value: dated.get(&d).copied().unwrap_or(0),
                    });
                    match d.next_day() {
                        Some(next) if next <= last => d = next,
                        _ => break,
                    }
                }
                (bars, Unit::Day)
            } else if months <= 120 {
                let mut per: BTreeMap<(i32, u8), u64> = BTreeMap::new();
                let (mut y, mut m) = (first.year(), first.month() as u8);
                while (y, m) <= (last.year(), last.month() as u8) {
                    per.insert((y, m), 0);
                    (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                }
                for (d, n) in &dated {
                    *per.entry((d.year(), d.month() as u8)).or_default() += n;
                }
                let bars = per
                    .into_iter()
                    .map(|((y, m), value)| Bar {
                        label: format!("{y:04}-{m:02}"),
                        value,
                    })
                    .collect();
                (bars, Unit::Month)
            } else {
                let mut per: BTreeMap<i32, u64> = BTreeMap::new();
                for (d, n) in &dated {
                    *per.entry(d.year()).or_default() += n;
                }
                let bars = per
                    .into_iter()
                    .map(|(y, value)| Bar {
                        label: y.to_string(),
                        value,
                    })
                    .collect();
                (bars, Unit::Year)
            }
        }
        _ => (Vec::new(), Unit::Day),
    };
    if unknown > 0 {
        bars.push(Bar {
            label: "unknown".into(),
            value: unknown,
        });
    }
    (bars, unit)
}

fn parse_day(day: &str) -> Option<Date> {
    let n = day_number(day);
    if n == u32::MAX {
        return None;
    }
    let month = Month::try_from((n / 100 % 100) as u8).ok()?;
    Date::from_calendar_date((n / 10000) as i32, month, (n % 100) as u8).ok()
}

/// A round step for about four grid lines up to `max`: 1, 2 or 5 times a power of ten.
fn step_for(max: u64) -> u64 {
    let rough = (max as f64 / 4.0).max(1.0);
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    (step.round() as u64).max(1)
}

/// The chart as an inline `<svg>` (no `xmlns`: it lives inside the HTML page).
pub fn svg(bars: &[Bar], unit: Unit) -> String {
    const W: f64 = 900.0;
    const H: f64 = 280.0;
    const LEFT: f64 = 52.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 44.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let step = step_for(max);
    let top = (max.div_ceil(step).max(1)) * step;
    let y = |v: u64| TOP + plot_h - v as f64 / top as f64 * plot_h;

    let mut s = format!(
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Signatures kept per {}\" \
         font-family=\"system-ui,sans-serif\" font-size=\"11\">\n",
        unit.name()
    );
    // Grid lines and their values.
    let mut v = 0;
    while v <= top {
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#dde1e8\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5b6475\">{v}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            yy = y(v),
        );
        v += step;
    }
    if bars.is_empty() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5b6475\">no signatures</text>",
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0
        );
    }
    let slot = plot_w / bars.len().max(1) as f64;
    let bar_w = (slot * 0.78).max(1.0);
    // At most about twelve labels under the bars, evenly spread.
    let every = bars.len().div_ceil(12).max(1);
    for (i, b) in bars.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let top_y = y(b.value);
        let fill = if b.label == "unknown" {
            "#b7bdc8"
        } else {
            "#2f6f4f"
        };
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"{top_y:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{fill}\" rx=\"1.5\">\
             <title>{}: {}</title></rect>",
            TOP + plot_h - top_y,
            escape(&b.label),
            b.value
        );
        if bars.len() <= 31 && b.value > 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1d2330\">{}</text>",
                x + bar_w / 2.0,
                top_y - 4.0,
                b.value
            );
        }
        if i % every == 0 || i + 1 == bars.len() && bars.len() <= 12 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5b6475\">{}</text>",
                x + bar_w / 2.0,
                TOP + plot_h + 16.0,
                escape(&short_label(&b.label, unit, i == 0))
            );
        }
    }
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#5b6475\"/>",
        W - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    s.push_str("</svg>\n");
    s
}

/// "28 Nov" under a day's bar (with the year under the first one).
fn short_label(label: &str, unit: Unit, first: bool) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match (unit, parse_day(label)) {
        (Unit::Day, Some(d)) => {
            let m = MONTHS[d.month() as usize - 1];
            if first {
                format!("{} {m} {}", d.day(), d.year())
            } else {
                format!("{} {m}", d.day())
            }
        }
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(d, n)| (d.to_string(), *n)).collect()
    }

    #[test]
    fn empty_days_get_zero_bars_and_bad_dates_one_unknown_bar() {
        let (bars, unit) = bars_per_period(&days(&[
            ("2026-11-28", 3),
            ("2026-12-01", 1),
            ("not a day", 2),
        ]));
        assert_eq!(unit, Unit::Day);
        let values: Vec<u64> = bars.iter().map(|b| b.value).collect();
        assert_eq!(values, [3, 0, 0, 1, 2]);
        assert_eq!(bars[1].label, "2026-11-29");
        assert_eq!(bars[4].label, "unknown");
    }

    #[test]
    fn long_petitions_are_shown_per_month() {
        let (bars, unit) = bars_per_period(&days(&[("2026-01-15", 1), ("2026-06-02", 4)]));
        assert_eq!(unit, Unit::Month);
        assert_eq!(bars.len(), 6);
        assert_eq!(
            bars[5],
            Bar {
                label: "2026-06".into(),
                value: 4
            }
        );
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(step_for(0), 1);
        assert_eq!(step_for(7), 2);
        assert_eq!(step_for(38), 10);
        assert_eq!(step_for(1234), 500);
    }

    #[test]
    fn labels_are_escaped() {
        let s = svg(
            &[Bar {
                label: "<x>".into(),
                value: 1,
            }],
            Unit::Day,
        );
        assert!(s.contains("&lt;x&gt;") && !s.contains("<x>"));
    }
}
