//! HTML pages. Templates are compiled in (askama), escape every value, and
//! take every interface string from the page language's Fluent catalog.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::config::{Organizers, Petition, PetitionText};
use crate::i18n::{CATALOG, Tr};
use crate::record::{Field, Problem, SignForm};

pub struct LangLink {
    pub tag: String,
    /// The language's name in itself, so a reader finds their own.
    pub name: String,
    pub current: bool,
}

/// Every language a page can be shown in: the interface translations and the
/// petition's own texts, each named in itself.
pub fn languages(petition: &Petition, current: &str) -> Vec<LangLink> {
    let mut tags: Vec<&str> = CATALOG
        .languages()
        .chain(petition.texts.keys().map(String::as_str))
        .collect();
    tags.sort();
    tags.dedup();
    tags.into_iter()
        .map(|tag| {
            let name = if CATALOG.has(tag) {
                CATALOG.tr(tag).get("lang-name")
            } else {
                tag.to_string()
            };
            LangLink {
                tag: tag.to_string(),
                name,
                current: tag == current,
            }
        })
        .collect()
}

/// What every page shares: its language and direction, the language
/// switcher, the demo banner, and the organizers' contact in the footer.
/// Each page dereferences to it, so templates reach these by name.
pub struct Frame {
    pub t: Tr<'static>,
    pub lang: String,
    pub demo: bool,
    /// The language switcher; empty on pages that must not be left by a
    /// click (the receipt page shows a code only once).
    pub langs: Vec<LangLink>,
    /// This page's path, for the switcher's links.
    pub here: &'static str,
    pub organizers: Organizers,
}

impl Frame {
    pub fn new(petition: &Petition, lang: &str, demo: bool, here: &'static str) -> Frame {
        Frame {
            t: CATALOG.tr(lang),
            lang: lang.to_string(),
            demo,
            langs: languages(petition, lang),
            here,
            organizers: petition.organizers.clone(),
        }
    }

    /// The same frame without the language switcher.
    pub fn without_switcher(mut self) -> Frame {
        self.langs.clear();
        self
    }
}

macro_rules! framed {
    ($($page:ty),*) => {$(
        impl std::ops::Deref for $page {
            type Target = Frame;
            fn deref(&self) -> &Frame {
                &self.frame
            }
        }
    )*};
}

pub struct FieldView<'a> {
    pub name: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub max: usize,
    pub required: bool,
    /// What the signer typed, shown back only when the form has errors.
    pub value: &'a str,
    pub error: Option<String>,
    /// Ids of the hint and error texts that describe this field.
    pub hints: Vec<&'static str>,
}

impl FieldView<'_> {
    /// The `aria-describedby` value: the field's error first, then its hints.
    pub fn described_by(&self) -> Option<String> {
        let mut ids: Vec<String> = Vec::new();
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.extend(self.hints.iter().map(|h| h.to_string()));
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

pub struct ErrorLink {
    pub field: &'static str,
    pub message: String,
}

fn label_id(field: Field) -> &'static str {
    match field {
        Field::FirstName => "field-first-name",
        Field::LastName => "field-last-name",
        Field::Affiliation => "field-affiliation",
        Field::Email => "field-email",
        Field::Consent => "consent-label",
    }
}

/// One field's problem in the page language. Names the field, never its value.
pub fn problem_text(t: &Tr<'_>, field: Field, problem: Problem) -> String {
    let label = t.get(label_id(field));
    match problem {
        Problem::Missing if field == Field::Consent => t.get("problem-no-consent"),
        Problem::NoConsent => t.get("problem-no-consent"),
        Problem::Missing => t.text("problem-missing", "field", &label),
        Problem::TooLong => t.texts(
            "problem-too-long",
            &[("field", &label), ("max", &field.max_chars().to_string())],
        ),
        Problem::ControlCharacter => t.text("problem-control", "field", &label),
        Problem::NotAnEmail => t.text("problem-not-email", "field", &label),
        Problem::NoName => t.get("problem-name-missing"),
    }
}

/// Languages whose speakers write the family name first: the form asks for
/// it first there, so nobody has to turn their name around.
pub fn family_name_first(lang: &str) -> bool {
    matches!(
        lang.split('-').next().unwrap_or(lang),
        "zh" | "ja" | "ko" | "vi" | "hu" | "mn"
    )
}

#[derive(Template)]
#[template(path = "petition.html")]
pub struct PetitionPage<'a> {
    pub frame: Frame,
    pub text: &'a PetitionText,
    /// The petition text is in another language than the page.
    pub fallback: bool,
    pub text_lang: &'a str,
    /// What happens to names and emails, in the page's language when the
    /// organizers wrote it, otherwise in the default language.
    pub names_text: &'a str,
    pub emails_text: &'a str,
    pub consent_fallback: bool,
    pub consent_lang: &'a str,
    pub count: u64,
    pub paused: bool,
    pub count_for_bar: u64,
    pub goal: Option<u64>,
    pub percent: u64,
    pub closed: bool,
    pub fields: Vec<FieldView<'a>>,
    /// A name is required, in either box (for people with one name).
    pub name_hint: bool,
    pub consent: bool,
    pub consent_error: Option<String>,
    pub public: bool,
    pub errors: Vec<ErrorLink>,
    /// The proof-of-work challenge, which also dates the form (fill time).
    pub challenge: String,
    pub hcaptcha_site_key: Option<&'a str>,
    /// Why the submission as a whole was not kept, shown above the form…
    pub notice: Option<String>,
    /// …and what to do now.
    pub notice_action: Option<String>,
    /// The petition's onion address, stated so Tor users can check they are on the real one.
    pub onion: Option<&'a str>,
    /// Browser sealing: the organizers' `age1…` keys, space-separated, when
    /// every recipient is one (the page's script seals to them).
    pub seal_keys: Option<String>,
    /// The petition's slug and required fields, and every problem text in the
    /// page's language: the script checks the form with the server's rules
    /// before sealing, so a signature it seals never needs the server to see it.
    pub slug: &'a str,
    pub required: String,
    pub sign_texts: String,
}

/// Every problem text the server could show for the form, in one language,
/// as JSON the page's script reads (`<` escaped: it sits in a script element).
pub fn sign_texts(t: &Tr<'_>) -> String {
    use serde_json::{Map, Value};
    let mut fields = Map::new();
    for f in Field::TEXT {
        let mut m = Map::new();
        for (key, problem) in [
            ("missing", Problem::Missing),
            ("too_long", Problem::TooLong),
            ("control", Problem::ControlCharacter),
        ] {
            m.insert(key.into(), problem_text(t, f, problem).into());
        }
        if f == Field::Email {
            m.insert(
                "not_email".into(),
                problem_text(t, f, Problem::NotAnEmail).into(),
            );
        }
        m.insert("max".into(), f.max_chars().into());
        fields.insert(f.name().into(), Value::Object(m));
    }
    let headings: Vec<Value> = (1..=5u64)
        .map(|n| t.num("errors-heading", "count", n).into())
        .collect();
    let texts = serde_json::json!({
        "fields": fields,
        "no_consent": problem_text(t, Field::Consent, Problem::NoConsent),
        "no_name": problem_text(t, Field::FirstName, Problem::NoName),
        "headings": headings,
        "sealing": t.get("seal-status"),
        "dropped": t.get("seal-dropped"),
    });
    texts.to_string().replace('<', "\\u003c")
}

impl<'a> PetitionPage<'a> {
    /// The petition page, optionally re-filled with a rejected form and its problems.
    pub fn new(
        petition: &'a Petition,
        lang: &'a str,
        count: u64,
        closed: bool,
        demo: bool,
        form: Option<&'a SignForm>,
        problems: &[(Field, Problem)],
    ) -> Self {
        let t = CATALOG.tr(lang);
        let problem = |f: Field| {
            problems
                .iter()
                .find(|(pf, _)| *pf == f)
                .map(|(pf, p)| problem_text(&t, *pf, *p))
        };
        let value = |f: Field| form.map_or("", |form| form.text(f));
        let r = &petition.required;
        let name_hint = r.name;
        let field = |f: Field, kind, autocomplete, required| FieldView {
            name: f.name(),
            label: t.get(label_id(f)),
            kind,
            autocomplete,
            max: f.max_chars(),
            required,
            value: value(f),
            error: problem(f),
            hints: if name_hint && matches!(f, Field::FirstName | Field::LastName) {
                vec!["name-hint"]
            } else {
                Vec::new()
            },
        };
        let given = field(Field::FirstName, "text", "given-name", r.first_name);
        let family = field(Field::LastName, "text", "family-name", r.last_name);
        let mut fields = if family_name_first(lang) {
            vec![family, given]
        } else {
            vec![given, family]
        };
        fields.push(field(
            Field::Affiliation,
            "text",
            "organization",
            r.affiliation,
        ));
        fields.push(field(Field::Email, "email", "email", r.email));
        let errors = problems
            .iter()
            .map(|(f, p)| ErrorLink {
                field: f.name(),
                message: problem_text(&t, *f, *p),
            })
            .collect();
        let goal = petition.goal;
        let fallback = !petition.texts.contains_key(lang);
        let text = petition.text(lang);
        let default = petition.text(&petition.default_lang);
        let consent_fallback = fallback || text.names.is_empty() || text.emails.is_empty();
        let consent_text = if consent_fallback { default } else { text };
        PetitionPage {
            frame: Frame::new(petition, lang, demo, "/"),
            text,
            fallback,
            text_lang: if fallback {
                &petition.default_lang
            } else {
                lang
            },
            names_text: &consent_text.names,
            emails_text: &consent_text.emails,
            consent_fallback,
            consent_lang: &petition.default_lang,
            count,
            paused: petition.paused,
            count_for_bar: goal.map_or(count, |g| count.min(g)),
            goal,
            percent: goal.map_or(0, |g| (count.saturating_mul(100) / g).min(100)),
            closed,
            fields,
            name_hint,
            consent: form.is_some_and(|f| f.consent),
            consent_error: problem(Field::Consent),
            public: form.is_some_and(|f| f.public),
            errors,
            challenge: String::new(),
            hcaptcha_site_key: None,
            notice: None,
            notice_action: None,
            onion: None,
            seal_keys: None,
            slug: &petition.slug,
            required: [
                (r.name, "name"),
                (r.first_name, "first_name"),
                (r.last_name, "last_name"),
                (r.affiliation, "affiliation"),
                (r.email, "email"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, f)| *f)
            .collect::<Vec<_>>()
            .join(" "),
            sign_texts: sign_texts(&t),
        }
    }
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptPage<'a> {
    pub frame: Frame,
    /// The code in groups, for the eye.
    pub code: &'a str,
    /// The same code one character at a time, groups apart, for screen readers.
    pub spoken: String,
    /// Who sealed the signature: said in one plain sentence.
    pub sealed_in_browser: bool,
    /// `undersign verify …` for this petition: it asks for the code itself.
    pub verify_command: String,
}

impl<'a> ReceiptPage<'a> {
    pub fn new(
        frame: Frame,
        code: &'a str,
        sealed: crate::layout::Sealed,
        verify_command: String,
    ) -> Self {
        // "ABCD-EFGH" is read "A B C D, E F G H": letter by letter, a pause per group.
        let spoken = code
            .split('-')
            .map(|group| {
                group
                    .chars()
                    .map(String::from)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(", ");
        ReceiptPage {
            // No language switcher: a click away would lose the code.
            frame: frame.without_switcher(),
            code,
            spoken,
            sealed_in_browser: sealed == crate::layout::Sealed::Browser,
            verify_command,
        }
    }
}

#[derive(Template)]
#[template(path = "code_form.html")]
pub struct CodeFormPage<'a> {
    pub frame: Frame,
    pub heading: String,
    pub intro: String,
    pub action: &'a str,
    pub button: String,
    /// The outcome of a submitted code; never the code itself.
    pub result: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage<'a> {
    pub frame: Frame,
    pub names_text: &'a str,
    pub emails_text: &'a str,
    pub consent_fallback: bool,
    pub consent_lang: &'a str,
}

impl<'a> AboutPage<'a> {
    pub fn new(petition: &'a Petition, lang: &str, demo: bool) -> Self {
        let text = petition.text(lang);
        let consent_fallback =
            !petition.texts.contains_key(lang) || text.names.is_empty() || text.emails.is_empty();
        let consent_text = if consent_fallback {
            petition.text(&petition.default_lang)
        } else {
            text
        };
        AboutPage {
            frame: Frame::new(petition, lang, demo, "/about"),
            names_text: &consent_text.names,
            emails_text: &consent_text.emails,
            consent_fallback,
            consent_lang: &petition.default_lang,
        }
    }
}

#[derive(Template)]
#[template(path = "accessibility.html")]
pub struct AccessibilityPage {
    pub frame: Frame,
    /// hCaptcha is on: the page says there is a puzzle, and what happens without it.
    pub hcaptcha: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub frame: Frame,
    pub heading: String,
    pub message: String,
}

framed!(
    PetitionPage<'_>,
    ReceiptPage<'_>,
    CodeFormPage<'_>,
    AboutPage<'_>,
    AccessibilityPage,
    MessagePage
);

/// Renders a template; a rendering failure becomes a plain 500 with no details.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "page could not be rendered",
        )
            .into_response(),
    }
}
