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

fn code(text: &str) -> Result<QrCode, TooLong> {
    // Level M survives a crease or a coffee stain (15% of the code).
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| TooLong)
}

/// The QR code in Unicode half blocks, for a terminal with a dark background
/// (light modules are drawn, dark ones left blank), quiet zone included.
pub fn terminal(key: &NewKey) -> Result<Zeroizing<String>, TooLong> {
    use qrcode::render::unicode::Dense1x2;
    let code = code(&key.file_text)?;
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
    let code = code(&key.file_text)?;
    let width = code.width();
    let modules = code.to_colors();
    const CELL: usize = 8;
    const QUIET: usize = 4;
    let side = (width + 2 * QUIET) * CELL;
    let caption = 5 * 18 + 12;
    let mut path = String::with_capacity(modules.len() * 12);
    for (i, m) in modules.iter().enumerate() {
        if *m == qrcode::Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            path.push_str(&format!(
                "M{} {}h{CELL}v{CELL}h-{CELL}z",
                x * CELL,
                y * CELL
            ));
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
        "To restore: scan, save the text exactly as a file, then".to_string(),
        "undersign decrypt -i THAT-FILE export.jsonl -o signatures.csv".to_string(),
    ];
    let mut text = String::new();
    for (n, line) in lines.iter().enumerate() {
        text.push_str(&format!(
            "<text x=\"{}\" y=\"{}\">{}</text>",
            QUIET * CELL,
            side + 4 + 18 * n,
            super::report::escape(line)
        ));
    }
    Ok(Zeroizing::new(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {h}\" width=\"{side}\" height=\"{h}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/>\
         <g font-family=\"monospace\" font-size=\"11\" fill=\"#000\">{text}</g></svg>\n",
        h = side + caption
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
    fn the_svg_is_a_page_with_a_caption() {
        let s = svg(&key(), "2026-11-28").unwrap();
        assert!(s.starts_with("<?xml") && s.trim_end().ends_with("</svg>"));
        assert!(s.contains("public key: age1example"));
        assert!(!s.contains("<script"));
    }
}
