//! Interface strings in every shipped language, from Fluent files embedded in
//! the binary (`i18n/<lang>/undersign.ftl`), the way age/rage does it.
//!
//! English is the reference: a message missing from a translation falls back
//! to English at run time, and `tests/i18n.rs` fails the build's tests when
//! any language lacks a message English has. Strings used from Rust go
//! through `fl!`, which checks their ids against English at compile time.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use i18n_embed::LanguageLoader;
use i18n_embed::fluent::FluentLanguageLoader;
use rust_embed::RustEmbed;
use unic_langid::LanguageIdentifier;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Localizations;

/// Languages written right to left.
const RTL: [&str; 4] = ["ar", "fa", "he", "ur"];

/// One loader per shipped language, each falling back to English.
pub struct Catalog {
    loaders: BTreeMap<String, FluentLanguageLoader>,
}

pub static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::load);

fn loader_for(lang: &LanguageIdentifier) -> FluentLanguageLoader {
    let en: LanguageIdentifier = "en".parse().expect("a valid tag");
    let loader = FluentLanguageLoader::new("undersign", en);
    loader
        .load_languages(&Localizations, std::slice::from_ref(lang))
        .expect("the embedded English strings load");
    // Isolation marks would land inside attribute values; bidi isolation of
    // signer-typed text is done in the templates with <bdi> instead.
    loader.set_use_isolating(false);
    loader
}

impl Catalog {
    fn load() -> Catalog {
        let mut tags: Vec<String> = Localizations::iter()
            .filter_map(|path| path.split('/').next().map(String::from))
            .collect();
        tags.sort();
        tags.dedup();
        let loaders = tags
            .into_iter()
            .filter_map(|t| Some((t.clone(), loader_for(&t.parse().ok()?))))
            .collect();
        Catalog { loaders }
    }

    /// Tags of every shipped interface language, e.g. `en`, `zh-Hant`.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.loaders.keys().map(String::as_str)
    }

    pub fn has(&self, tag: &str) -> bool {
        self.loaders.contains_key(tag)
    }

    /// The strings for `tag`, or English when there is no such translation.
    pub fn tr(&self, tag: &str) -> Tr<'_> {
        let loader = self
            .loaders
            .get(tag)
            .or_else(|| self.loaders.get("en"))
            .expect("English is always shipped");
        Tr {
            loader,
            rtl: RTL.contains(&tag.split('-').next().unwrap_or(tag)),
        }
    }

    /// The raw loader, for `fl!` in Rust code.
    pub fn loader(&self, tag: &str) -> &FluentLanguageLoader {
        self.tr(tag).loader
    }
}

/// The interface strings of one language, as templates use them.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    loader: &'a FluentLanguageLoader,
    rtl: bool,
}

impl<'a> Tr<'a> {
    pub fn get(&self, id: &str) -> String {
        self.loader.get(id)
    }

    /// A message with one numeric argument (plurals: `count`, `minutes`, …).
    pub fn num(&self, id: &str, name: &str, value: impl Count) -> String {
        self.loader
            .get_args(id, std::collections::HashMap::from([(name, value.count())]))
    }

    /// A message with one text argument.
    pub fn text(&self, id: &str, name: &str, value: &str) -> String {
        self.loader.get_args(
            id,
            std::collections::HashMap::from([(name, value.to_string())]),
        )
    }

    /// A message with several text arguments.
    pub fn texts(&self, id: &str, args: &[(&str, &str)]) -> String {
        let map: std::collections::HashMap<&str, String> =
            args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.loader.get_args(id, map)
    }

    pub fn dir(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }

    pub fn loader(&self) -> &'a FluentLanguageLoader {
        self.loader
    }
}

/// A number a message can count, however deeply a template borrowed it.
pub trait Count {
    fn count(&self) -> u64;
}

impl Count for u64 {
    fn count(&self) -> u64 {
        *self
    }
}

impl<T: Count + ?Sized> Count for &T {
    fn count(&self) -> u64 {
        (**self).count()
    }
}

/// Every message id in a language's own file (not counting English fallbacks).
pub fn message_ids(tag: &str) -> Vec<String> {
    let path = format!("{tag}/undersign.ftl");
    let Some(file) = Localizations::get(&path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&file.data).into_owned();
    text.lines()
        .filter(|l| !l.starts_with([' ', '#', '\t', '*', '[', '}']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next().map(|id| id.trim().to_string()))
        .collect()
}
