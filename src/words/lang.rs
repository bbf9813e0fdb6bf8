//! The language the lessons speak: English, or Chinese (中文) for the material's own readers.
//!
//! Decided once, at the start of `main` ([`init`]): `--lang zh|en` wins; without it, the first of
//! `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty (the order POSIX gives them) picks
//! Chinese when it starts with `zh` (`zh_CN.UTF-8`, `zh_TW`), else English. Windows sets none of
//! these by default: there, `--lang zh` (or `set LANG=zh_CN`) asks for Chinese.
//!
//! A lesson writes each sentence in both languages at the line that prints it, with
//! [`server!`](crate::server), [`client!`](crate::client), [`note!`](crate::note) or
//! [`tr!`](crate::tr): the English first, the Chinese second. No catalog file to open.

use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;

/// A language of the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// 中文 (Chinese).
    Zh,
}

/// Whether Chinese was chosen. One flag for the whole process: every thread of a demo speaks the
/// same language, and nothing changes it after `init`.
static CHINESE: AtomicBool = AtomicBool::new(false);

/// Choose the language: `chosen` (from `--lang`) if given, else the environment's.
pub fn init(chosen: Option<Lang>) {
    let lang = chosen.unwrap_or_else(|| from_env(|name| std::env::var(name).ok()));
    CHINESE.store(lang == Lang::Zh, Ordering::Relaxed);
}

/// The language in use.
pub fn current() -> Lang {
    if CHINESE.load(Ordering::Relaxed) {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The language the locale variables ask for, read through `var` (the process environment, or a
/// test's own).
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(var)
        .find(|value| !value.is_empty());
    match locale {
        Some(locale) if locale.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// `[english, chinese]`, kept together where the line is used (a table's row, a check's words):
/// the one in the language in use. A sentence with values in it is `tr!`'s.
pub fn pick<T>(text: [T; 2]) -> T {
    let [en, zh] = text;
    match current() {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// `tr!("english {x}", "中文 {x}")`: a `String` in the language in use, with `format!` arguments
/// after the two texts. For errors and hints; lines of a lesson use `server!` and its kin.
#[macro_export]
macro_rules! tr {
    ($en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        match $crate::words::lang::current() {
            $crate::words::lang::Lang::En => format!($en $(, $arg)*),
            $crate::words::lang::Lang::Zh => format!($zh $(, $arg)*),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    }

    #[test]
    fn the_locale_variables_decide_in_posix_order() {
        assert_eq!(from_env(env(&[])), Lang::En);
        assert_eq!(from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(from_env(env(&[("LANG", "C")])), Lang::En);
        assert_eq!(
            from_env(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            from_env(env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_TW")])),
            Lang::Zh
        );
        // An empty variable counts as unset, as POSIX says.
        assert_eq!(
            from_env(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])),
            Lang::Zh
        );
    }
}
