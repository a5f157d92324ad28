//! HN items as the API gives them (and dumps of it: the API's own JSON, BigQuery's export), the
//! filter that decides which become rows of the stories table, and title clean-up.
//!
//! Parsing is strict about the fields we use (a wrong type is an error naming the field) and
//! ignores the rest (`kids`, `text`, `parts`, …). Integer fields also accept strings of digits,
//! because BigQuery's JSON export writes INT64 columns that way.

use crate::table::Story;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The item types the API knows.
pub const KNOWN_TYPES: [&str; 5] = ["story", "comment", "job", "poll", "pollopt"];

/// The fields of an item the stories table needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Item {
    pub id: i64,
    pub kind: Option<String>,
    pub by: Option<String>,
    pub time: Option<i64>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub score: Option<i64>,
    pub descendants: Option<i64>,
    pub dead: bool,
    pub deleted: bool,
}

impl Item {
    /// Parse one item from its JSON. `Ok(None)` for `null`: the API's answer for an id that has
    /// no item, which is not an error.
    pub fn from_json(v: &Value) -> Result<Option<Item>, String> {
        let m = match v {
            Value::Null => return Ok(None),
            Value::Object(m) => m,
            other => return Err(format!("expected a JSON object (an HN item), found {}", kind_of(other))),
        };
        let id = int_field(m, "id")?.ok_or("item has no \"id\"")?;
        Ok(Some(Item {
            id,
            kind: str_field(m, "type")?,
            by: str_field(m, "by")?,
            time: int_field(m, "time")?,
            title: str_field(m, "title")?,
            url: str_field(m, "url")?,
            score: int_field(m, "score")?,
            descendants: int_field(m, "descendants")?,
            dead: bool_field(m, "dead")?,
            deleted: bool_field(m, "deleted")?,
        }))
    }

    /// Parse JSON text (a response body, a dump line).
    pub fn parse(text: &[u8]) -> Result<Option<(Item, Value)>, String> {
        let v: Value = serde_json::from_slice(text).map_err(|e| format!("invalid JSON: {e}"))?;
        Ok(Item::from_json(&v)?.map(|it| (it, v)))
    }

    /// The row this item becomes. Titles get their HTML entities decoded ([`decode_entities`]).
    pub fn to_story(&self, fetched_at: i64) -> Story {
        Story {
            id: self.id,
            kind: self.kind.clone().unwrap_or_else(|| "story".into()),
            by: self.by.clone(),
            time: self.time.unwrap_or(0),
            title: self.title.as_deref().map(|t| decode_entities(t).into_owned()),
            url: self.url.clone(),
            score: self.score,
            descendants: self.descendants,
            dead: self.dead,
            deleted: self.deleted,
            fetched_at,
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 {
        let cut = (0..=40).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        format!("{}…", &s[..cut])
    } else {
        s
    }
}

fn int_field(m: &Map<String, Value>, key: &str) -> Result<Option<i64>, String> {
    let bad = |v: &Value| {
        format!(
            "field \"{key}\": expected an integer, found {} {}",
            kind_of(v),
            short(v)
        )
    };
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(Some(i)),
            (None, Some(f)) => crate::table::whole_f64_to_i64(f).map(Some).ok_or_else(|| bad(v)),
            _ => Err(bad(v)),
        },
        Some(v @ Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| bad(v)),
        Some(v) => Err(bad(v)),
    }
}

fn str_field(m: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(format!(
            "field \"{key}\": expected a string, found {} {}",
            kind_of(v),
            short(v)
        )),
    }
}

fn bool_field(m: &Map<String, Value>, key: &str) -> Result<bool, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(format!(
            "field \"{key}\": expected true or false, found {} {}",
            kind_of(v),
            short(v)
        )),
    }
}

/// Which items become rows.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Item types kept; `None` keeps every type.
    pub types: Option<Vec<String>>,
    pub include_dead: bool,
    pub include_deleted: bool,
    /// Keep only items at least this many seconds old at `now`.
    pub min_age: Option<i64>,
    pub now: i64,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            types: Some(vec!["story".into()]),
            include_dead: false,
            include_deleted: false,
            min_age: None,
            now: 0,
        }
    }
}

/// Why an item was left out, for the summary and for the warning when nothing is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dropped {
    /// Not of a type asked for (`--types`; by default, not a story).
    Type,
    Deleted,
    Dead,
    NoTime,
    NoTitle,
    /// Younger than `--min-age`.
    TooYoung,
}

impl Dropped {
    /// What the summary calls it.
    pub fn label(self) -> &'static str {
        match self {
            Dropped::Type => "not of the types kept",
            Dropped::Deleted => "deleted",
            Dropped::Dead => "dead",
            Dropped::NoTime => "no time",
            Dropped::NoTitle => "no title",
            Dropped::TooYoung => "too young",
        }
    }

    /// What a user can do when this reason dropped everything.
    pub fn hint(self) -> &'static str {
        match self {
            Dropped::Type => "--types all (or e.g. --types story,job) keeps other item types",
            Dropped::Deleted => "--include-deleted keeps deleted items",
            Dropped::Dead => "--include-dead keeps dead items",
            Dropped::NoTime => "items without a time cannot be placed in the table",
            Dropped::NoTitle => "stories without a title are left out as the guide does (--raw keeps them)",
            Dropped::TooYoung => "a shorter --min-age keeps younger items",
        }
    }
}

/// Parse `story,job,poll` or `all`.
pub fn parse_types(s: &str) -> Result<Option<Vec<String>>, String> {
    if s.trim() == "all" {
        return Ok(None);
    }
    let mut out = Vec::new();
    for t in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !KNOWN_TYPES.contains(&t) {
            return Err(format!(
                "unknown item type {t:?} (known: {}, or all)",
                KNOWN_TYPES.join(", ")
            ));
        }
        out.push(t.to_string());
    }
    if out.is_empty() {
        return Err("no item type given (e.g. story,job or all)".into());
    }
    Ok(Some(out))
}

impl Filter {
    /// True when the item becomes a row: its type is wanted, it is neither deleted nor dead
    /// (unless asked), it has a time, a story/job/poll has a title (as the guide keeps only
    /// stories with titles), and it is old enough under `min_age`.
    pub fn keeps(&self, it: &Item) -> bool {
        self.drops(it).is_none()
    }

    /// Why the item does not become a row (`None`: it does), checked in the order of
    /// [`Filter::keeps`].
    pub fn drops(&self, it: &Item) -> Option<Dropped> {
        let kind = it.kind.as_deref().unwrap_or("");
        if let Some(types) = &self.types
            && !types.iter().any(|t| t == kind)
        {
            return Some(Dropped::Type);
        }
        if it.deleted && !self.include_deleted {
            return Some(Dropped::Deleted);
        }
        if it.dead && !self.include_dead {
            return Some(Dropped::Dead);
        }
        let Some(time) = it.time else {
            return Some(Dropped::NoTime);
        };
        let titled = matches!(kind, "story" | "job" | "poll");
        if titled && !it.deleted && it.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Some(Dropped::NoTitle);
        }
        (!self.old_enough(time)).then_some(Dropped::TooYoung)
    }

    /// True when an item created at `time` is at least `min_age` old.
    pub fn old_enough(&self, time: i64) -> bool {
        self.min_age.is_none_or(|age| self.now - time >= age)
    }
}

/// Decode the HTML character references HN titles sometimes carry (`&amp;`, `&#x27;`, `&quot;`,
/// `&#8212;`, …): numeric references and a table of the common named ones. Anything else is kept
/// verbatim, including unknown or malformed references.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // A reference is short and ends in ';' before any space or another '&'.
        let end = rest[1..]
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';' || c == '&' || c.is_whitespace())
            .filter(|&(_, c)| c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|e| decode_one(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn decode_one(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        "eacute" => 'é',
        "egrave" => 'è',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
#[path = "tests/item.rs"]
mod tests;
