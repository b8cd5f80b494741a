//! The public list: names and affiliations of the signers who ticked "list me
//! publicly", as Markdown and as a self-contained HTML page, ready to publish.
//!
//! Only records that made it into the spreadsheet are listed: never a duplicate,
//! never one set aside as suspicious. Values are escaped for each format, so a
//! name can neither inject markup nor break the list.

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::report::escape;

#[derive(Zeroize, ZeroizeOnDrop)]
struct Signatory {
    /// Case-folded last then first name: the sort order.
    sort_key: String,
    name: String,
    affiliation: String,
}

/// Signatories gathered while the spreadsheet is written. Memory grows with the
/// number of public signers only, whose names are about to be published anyway.
#[derive(Default)]
pub struct PublicList {
    people: Vec<Signatory>,
}

impl PublicList {
    pub fn add(&mut self, first: &str, last: &str, affiliation: &str) {
        let name = match (first.is_empty(), last.is_empty()) {
            (true, true) => return,
            (false, true) => first.to_string(),
            (true, false) => last.to_string(),
            (false, false) => format!("{first} {last}"),
        };
        let sort_key = format!("{}\u{0}{}", last.to_lowercase(), first.to_lowercase());
        self.people.push(Signatory {
            sort_key,
            name,
            affiliation: affiliation.to_string(),
        });
    }

    /// Sorted by last name, then first name; the same name and affiliation once.
    fn sorted(&mut self) -> &[Signatory] {
        self.people.sort_by(|a, b| {
            (&a.sort_key, &a.affiliation.to_lowercase())
                .cmp(&(&b.sort_key, &b.affiliation.to_lowercase()))
        });
        self.people.dedup_by(|a, b| {
            a.sort_key == b.sort_key && a.affiliation.to_lowercase() == b.affiliation.to_lowercase()
        });
        &self.people
    }

    pub fn len(&mut self) -> usize {
        self.sorted().len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn markdown(&mut self, title: &str) -> String {
        let people = self.sorted();
        let mut out = format!(
            "# {}\n\n{} {} signed publicly.\n\n",
            markdown_escape(title),
            people.len(),
            if people.len() == 1 {
                "person"
            } else {
                "people"
            }
        );
        for p in people {
            out.push_str("- ");
            out.push_str(&markdown_escape(&p.name));
            if !p.affiliation.is_empty() {
                out.push_str(" — ");
                out.push_str(&markdown_escape(&p.affiliation));
            }
            out.push('\n');
        }
        out
    }

    pub fn html(&mut self, title: &str) -> String {
        let people = self.sorted();
        let mut items = String::new();
        for p in people {
            // <bdi> isolates each value: a right-to-left name cannot reorder
            // the affiliation after it.
            items.push_str("<li dir=\"auto\"><bdi class=\"name\">");
            items.push_str(&escape(&p.name));
            items.push_str("</bdi>");
            if !p.affiliation.is_empty() {
                items.push_str(" <bdi class=\"aff\">");
                items.push_str(&escape(&p.affiliation));
                items.push_str("</bdi>");
            }
            items.push_str("</li>\n");
        }
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
             <h1>{title}</h1>\n<p>{n} {who} signed publicly.</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n",
            title = escape(title),
            n = people.len(),
            who = if people.len() == 1 {
                "person"
            } else {
                "people"
            },
        )
    }
}

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}\n\
ul{list-style:none;padding:0;columns:2 18rem}\n\
li{break-inside:avoid;margin:0 0 .4rem}\n\
.name{font-weight:600}\n.aff{color:#555}\n.aff::before{content:\"— \"}\n";

/// Backslash-escapes the ASCII punctuation Markdown (CommonMark and GitHub's
/// extensions) could read as syntax, so a name is always literal text: no link,
/// no autolink, no emphasis, no HTML, no heading or list marker. Punctuation
/// that is inert everywhere is left alone, so names stay readable.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        let inert = matches!(c, '\'' | '"' | ',' | ';' | '?' | '%' | '$' | '/')
            // A hyphen starts a list only at the start of the text.
            || (c == '-' && i > 0);
        if c.is_ascii_punctuation() && !inert {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_last_name_once_each_and_escaped() {
        let mut l = PublicList::default();
        l.add("Thảo", "D'Souza-Kim", "Shelter \"North\" <i>");
        l.add("Ana", "Ruiz", "");
        l.add("ana", "ruiz", "");
        l.add("", "", "Nobody");
        l.add("陈", "美玲", "移民 工人 支援");
        assert_eq!(l.len(), 3);
        let md = l.markdown("Signatories");
        let lines: Vec<&str> = md.lines().filter(|l| l.starts_with("- ")).collect();
        assert_eq!(
            lines,
            [
                "- Thảo D'Souza-Kim — Shelter \"North\" \\<i\\>",
                "- Ana Ruiz",
                "- 陈 美玲 — 移民 工人 支援",
            ]
        );
        let html = l.html("Signatories");
        assert!(html.contains("Shelter &quot;North&quot; &lt;i&gt;"));
        assert!(!html.contains("<i>") && !html.contains("<script"));
    }

    #[test]
    fn markdown_syntax_in_a_name_stays_text() {
        assert_eq!(
            markdown_escape("# 1. *x* [a](b)"),
            "\\# 1\\. \\*x\\* \\[a\\]\\(b\\)"
        );
        assert_eq!(
            markdown_escape("-x www.a.org a@b.c"),
            "\\-x www\\.a\\.org a\\@b\\.c"
        );
        assert_eq!(
            markdown_escape("D'Souza-Kim, \"North\""),
            "D'Souza-Kim, \"North\""
        );
    }
}
