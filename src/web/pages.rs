//! HTML pages. Templates are compiled in (askama), escape every value, and
//! take every interface string from the page language's Fluent catalog.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::config::{Petition, PetitionText};
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
    }
}

#[derive(Template)]
#[template(path = "petition.html")]
pub struct PetitionPage<'a> {
    pub t: Tr<'a>,
    pub lang: &'a str,
    pub demo: bool,
    pub langs: Vec<LangLink>,
    pub text: &'a PetitionText,
    /// The petition text is in another language than the page.
    pub fallback: bool,
    pub text_lang: &'a str,
    pub count: u64,
    pub paused: bool,
    pub count_for_bar: u64,
    pub goal: Option<u64>,
    pub percent: u64,
    pub closed: bool,
    pub fields: Vec<FieldView<'a>>,
    pub consent: bool,
    pub consent_error: Option<String>,
    pub public: bool,
    pub errors: Vec<ErrorLink>,
    /// The proof-of-work challenge, which also dates the form (fill time).
    pub challenge: String,
    pub hcaptcha_site_key: Option<&'a str>,
    /// A problem with the submission as a whole, shown above the form.
    pub notice: Option<String>,
    /// The petition's onion address, stated so Tor users can check they are on the real one.
    pub onion: Option<&'a str>,
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
        let field = |f: Field, kind, autocomplete, required| FieldView {
            name: f.name(),
            label: t.get(label_id(f)),
            kind,
            autocomplete,
            max: f.max_chars(),
            required,
            value: value(f),
            error: problem(f),
        };
        let fields = vec![
            field(Field::FirstName, "text", "given-name", r.first_name),
            field(Field::LastName, "text", "family-name", r.last_name),
            field(Field::Affiliation, "text", "organization", r.affiliation),
            field(Field::Email, "email", "email", r.email),
        ];
        let errors = problems
            .iter()
            .map(|(f, p)| ErrorLink {
                field: f.name(),
                message: problem_text(&t, *f, *p),
            })
            .collect();
        let goal = petition.goal;
        let fallback = !petition.texts.contains_key(lang);
        PetitionPage {
            t,
            lang,
            demo,
            langs: languages(petition, lang),
            text: petition.text(lang),
            fallback,
            text_lang: if fallback {
                &petition.default_lang
            } else {
                lang
            },
            count,
            paused: petition.paused,
            count_for_bar: goal.map_or(count, |g| count.min(g)),
            goal,
            percent: goal.map_or(0, |g| (count.saturating_mul(100) / g).min(100)),
            closed,
            fields,
            consent: form.is_some_and(|f| f.consent),
            consent_error: problem(Field::Consent),
            public: form.is_some_and(|f| f.public),
            errors,
            challenge: String::new(),
            hcaptcha_site_key: None,
            notice: None,
            onion: None,
        }
    }
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptPage<'a> {
    pub t: Tr<'a>,
    pub lang: &'a str,
    pub demo: bool,
    pub code: &'a str,
    /// `undersign verify …` for this petition: it asks for the code itself.
    pub verify_command: String,
}

#[derive(Template)]
#[template(path = "code_form.html")]
pub struct CodeFormPage<'a> {
    pub t: Tr<'a>,
    pub lang: &'a str,
    pub demo: bool,
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
    pub t: Tr<'a>,
    pub lang: &'a str,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "accessibility.html")]
pub struct AccessibilityPage<'a> {
    pub t: Tr<'a>,
    pub lang: &'a str,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub t: Tr<'a>,
    pub lang: &'a str,
    pub demo: bool,
    pub heading: String,
    pub message: String,
}

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
