//! HTML pages. Templates are compiled in (askama) and escape every value.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::config::{Petition, PetitionText};
use crate::record::{AFFILIATION_MAX, EMAIL_MAX, Field, NAME_MAX, Problem, SignForm};

pub struct LangLink<'a> {
    pub tag: &'a str,
    /// The language's name in itself, so a reader finds their own.
    pub name: &'static str,
    pub current: bool,
}

/// Endonyms for the languages undersign expects; others show their tag.
pub fn endonym(tag: &str) -> &'static str {
    match tag.to_ascii_lowercase().as_str() {
        "en" => "English",
        "fr" => "Français",
        "es" => "Español",
        "pt" => "Português",
        "zh" | "zh-hans" | "zh-cn" => "简体中文",
        "zh-hant" | "zh-tw" | "zh-hk" => "繁體中文",
        "ko" => "한국어",
        "vi" => "Tiếng Việt",
        "th" => "ไทย",
        "tl" | "fil" => "Tagalog",
        "ar" => "العربية",
        "fa" => "فارسی",
        _ => "",
    }
}

pub struct FieldView<'a> {
    pub name: &'static str,
    pub label: &'static str,
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

#[derive(Template)]
#[template(path = "petition.html")]
pub struct PetitionPage<'a> {
    pub lang: &'a str,
    pub demo: bool,
    pub langs: Vec<LangLink<'a>>,
    pub text: &'a PetitionText,
    pub fallback: bool,
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
    pub notice: Option<&'static str>,
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
        let problem = |f: Field| {
            problems
                .iter()
                .find(|(pf, _)| *pf == f)
                .map(|(pf, p)| p.message(*pf))
        };
        let value = |f: Field| form.map_or("", |form| form.text(f));
        let r = &petition.required;
        let field = |f: Field, label, kind, autocomplete, max, required| FieldView {
            name: f.name(),
            label,
            kind,
            autocomplete,
            max,
            required,
            value: value(f),
            error: problem(f),
        };
        let fields = vec![
            field(
                Field::FirstName,
                "First name",
                "text",
                "given-name",
                NAME_MAX,
                r.first_name,
            ),
            field(
                Field::LastName,
                "Last name",
                "text",
                "family-name",
                NAME_MAX,
                r.last_name,
            ),
            field(
                Field::Affiliation,
                "Organization",
                "text",
                "organization",
                AFFILIATION_MAX,
                r.affiliation,
            ),
            field(Field::Email, "Email", "email", "email", EMAIL_MAX, r.email),
        ];
        let errors = problems
            .iter()
            .map(|(f, p)| ErrorLink {
                field: f.name(),
                message: p.message(*f),
            })
            .collect();
        let goal = petition.goal;
        PetitionPage {
            lang,
            demo,
            langs: petition
                .texts
                .keys()
                .map(|t| LangLink {
                    tag: t,
                    name: endonym(t),
                    current: t == lang,
                })
                .collect(),
            text: petition.text(lang),
            fallback: !petition.texts.contains_key(lang),
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
        }
    }
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptPage<'a> {
    pub lang: &'a str,
    pub demo: bool,
    pub code: &'a str,
}

#[derive(Template)]
#[template(path = "code_form.html")]
pub struct CodeFormPage<'a> {
    pub lang: &'a str,
    pub demo: bool,
    pub heading: &'a str,
    pub intro: &'a str,
    pub action: &'a str,
    pub button: &'a str,
    pub other_href: &'a str,
    pub other_label: &'a str,
    /// The outcome of a submitted code; never the code itself.
    pub result: Option<&'a str>,
    pub error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage<'a> {
    pub lang: &'a str,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub lang: &'a str,
    pub demo: bool,
    pub heading: &'a str,
    pub message: &'a str,
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
