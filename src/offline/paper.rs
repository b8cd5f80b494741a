//! Paper backups of a key: its file as a QR code, on the terminal or as an SVG to print.
//!
//! The code holds the key file's exact text, so scanning it and saving the text
//! as a file gives back a working key file.

use qrcode::{EcLevel, QrCode};
use zeroize::Zeroizing;

use super::keygen::NewKey;

#[derive(Debug, thiserror::Error)]
#[error("the key does not fit in a QR code")]
pub struct TooLong;

/// What the code holds: a plain key's `AGE-SECRET-KEY-1…` line alone (upper-case
/// letters, digits and `-` fit QR's compact alphanumeric mode, so the code stays
/// small; the line alone is a valid identity file), or a protected key's whole
/// armored file (wider: about 110 columns on a terminal).
fn payload(key: &NewKey) -> &str {
    if key.protected {
        return &key.file_text;
    }
    key.file_text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap_or(&key.file_text)
}

fn code(key: &NewKey) -> Result<QrCode, TooLong> {
    // Level M survives a crease or a coffee stain (15% of the code).
    QrCode::with_error_correction_level(payload(key).as_bytes(), EcLevel::M).map_err(|_| TooLong)
}

/// The QR code in Unicode half blocks, for a terminal with a dark background
/// (light modules are drawn, dark ones left blank), quiet zone included.
pub fn terminal(key: &NewKey) -> Result<Zeroizing<String>, TooLong> {
    use qrcode::render::unicode::Dense1x2;
    let code = code(key)?;
    Ok(Zeroizing::new(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    ))
}

/// A printable SVG page: the code and a caption saying what it is.
pub fn svg(key: &NewKey, created: &str) -> Result<Zeroizing<String>, TooLong> {
    const QUIET: usize = 4;
    const PAGE_MIN: usize = 600;
    const LINE: usize = 18;
    let code = code(key)?;
    let width = code.width();
    // Small codes get bigger modules: a phone reads a 2 mm module from paper easily.
    let cell = (360 / (width + 2 * QUIET)).max(8);
    let side = (width + 2 * QUIET) * cell;
    let page = side.max(PAGE_MIN);
    let left = (page - side) / 2;
    let mut path = String::with_capacity(width * width * 12);
    for (i, m) in code.to_colors().iter().enumerate() {
        if *m == qrcode::Color::Dark {
            let (x, y) = (
                left + (i % width + QUIET) * cell,
                (i / width + QUIET) * cell,
            );
            path.push_str(&format!("M{x} {y}h{cell}v{cell}h-{cell}z"));
        }
    }
    let what = if key.protected {
        "passphrase-protected: useless without its passphrase"
    } else {
        "SECRET: anyone holding this can read every signature"
    };
    let lines = [
        format!("undersign organizer key ({what})"),
        format!("public key: {}", key.recipient),
        format!("created {created}"),
        "To restore: scan the code, save the text exactly as it is in a file, then".to_string(),
        "undersign decrypt -i THAT-FILE export.jsonl -o signatures.csv".to_string(),
    ];
    let mut text = String::new();
    for (n, line) in lines.iter().enumerate() {
        text.push_str(&format!(
            "<text x=\"{}\" y=\"{}\">{}</text>",
            page / 2,
            side + LINE * (n + 1),
            super::report::escape(line)
        ));
    }
    Ok(Zeroizing::new(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {page} {h}\" width=\"{page}\" height=\"{h}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/>\
         <g font-family=\"monospace\" font-size=\"11\" fill=\"#000\" text-anchor=\"middle\">{text}</g></svg>\n",
        h = side + LINE * (lines.len() + 1) + 8
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> NewKey {
        NewKey {
            recipient: "age1example".into(),
            file_text: Zeroizing::new(format!("# test\nAGE-SECRET-KEY-1{}\n", "Q".repeat(58))),
            protected: false,
        }
    }

    #[test]
    fn the_terminal_code_is_half_blocks_with_a_quiet_zone() {
        let t = terminal(&key()).unwrap();
        let first = t.lines().next().unwrap();
        assert!(first.chars().all(|c| c == '█'), "a light quiet zone on top");
        assert!(t.contains('▀') || t.contains('▄'));
    }

    #[test]
    fn a_plain_key_is_coded_as_its_secret_line_alone() {
        let k = key();
        assert!(payload(&k).starts_with("AGE-SECRET-KEY-1") && !payload(&k).contains('#'));
        assert!(
            code(&k).unwrap().width() <= 41,
            "a small code: {}",
            code(&k).unwrap().width()
        );
    }

    #[test]
    fn the_svg_is_a_page_with_a_caption() {
        let s = svg(&key(), "2026-11-28").unwrap();
        assert!(s.starts_with("<?xml") && s.trim_end().ends_with("</svg>"));
        assert!(s.contains("public key: age1example"));
        assert!(!s.contains("<script"));
    }
}
