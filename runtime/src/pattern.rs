//! JSON Schema `pattern`s (ECMA-262, searched anywhere in the string) for
//! generated checks, each on the cheapest engine that means the same:
//!
//! * [`Runs`]: the shape most event schemas use for identifiers, `^` then
//!   literal characters and bracket classes of ASCII characters, each
//!   repeated a fixed or bounded number of times, then `$`
//!   (`^[0-9a-f]{64}$`, `^stac:item:[a-z0-9_:.-]+$`), checked in one pass
//!   over the bytes with a table per run: four to five times faster than
//!   either automaton on the valid path;
//! * the `regex` crate's automata, for the subset where it reads a pattern
//!   as ECMA-262 does;
//! * regress, an ECMA-262 engine, for everything else.

use crate::byte_set::ByteSet;

/// A compiled `pattern`.
pub enum Pattern {
    Runs(Runs),
    Automaton(regex::Regex),
    Ecma(regress::Regex),
}

impl Pattern {
    /// Compiles `pattern`; an error when it is not valid ECMA-262.
    pub fn new(pattern: &str) -> Result<Pattern, String> {
        let ecma = regress::Regex::with_flags(pattern, "u").map_err(|e| e.to_string())?;
        if let Some(runs) = Runs::parse(pattern) {
            return Ok(Pattern::Runs(runs));
        }
        if same_in_both(pattern)
            && let Ok(automaton) = regex::Regex::new(pattern)
        {
            return Ok(Pattern::Automaton(automaton));
        }
        Ok(Pattern::Ecma(ecma))
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Pattern::Runs(runs) => runs.is_match(text),
            Pattern::Automaton(regex) => regex.is_match(text),
            Pattern::Ecma(regex) => regex.find(text).is_some(),
        }
    }
}

/// A pattern `^r1 r2 ... rn$` whose every `ri` is an ASCII literal or a
/// bracket class of ASCII literals and ranges, with a quantifier (`?`,
/// `*`, `+`, `{n}`, `{n,}`, `{n,m}`) or none; only when no run of variable
/// length shares a character with a run that could take the character
/// after it, so taking as many characters as a run can is the only way to
/// match, and one pass decides. Non-ASCII text never matches: no run holds a non-ASCII
/// character.
pub struct Runs {
    items: Vec<Item>,
}

/// Runs as matched: consecutive single literal characters as one string.
// A pattern has a handful of items, scanned in order: kept inline, not boxed.
#[allow(clippy::large_enum_variant)]
enum Item {
    Literal(Vec<u8>),
    Run(Run),
}

struct Run {
    /// Which bytes the run takes.
    set: ByteSet,
    min: usize,
    max: usize,
}

impl Runs {
    /// The runs of `pattern`, when it has that shape.
    pub fn parse(pattern: &str) -> Option<Runs> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        if !body.is_ascii() || body.ends_with('\\') {
            return None;
        }
        let bytes = body.as_bytes();
        let mut runs: Vec<Run> = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let mut set = [false; 256];
            match bytes[at] {
                b'[' => {
                    let end = at + 1 + bytes[at + 1..].iter().position(|b| *b == b']')?;
                    let class = &bytes[at + 1..end];
                    // Empty and negated classes, nested classes, escapes and
                    // set operators are left to the engines.
                    if class.is_empty() || class[0] == b'^' || class.iter().any(|b| matches!(b, b'[' | b'\\')) {
                        return None;
                    }
                    let mut i = 0;
                    while i < class.len() {
                        if i + 2 < class.len() && class[i + 1] == b'-' {
                            let (from, to) = (class[i], class[i + 2]);
                            if from > to {
                                return None;
                            }
                            (from..=to).for_each(|b| set[b as usize] = true);
                            i += 3;
                        } else {
                            set[class[i] as usize] = true;
                            i += 1;
                        }
                    }
                    at = end + 1;
                }
                b'\\' | b'.' | b'(' | b')' | b'|' | b'^' | b'$' | b'*' | b'+' | b'?' | b'{' | b'}' | b']' => return None,
                literal => {
                    set[literal as usize] = true;
                    at += 1;
                }
            }
            let (min, max, length) = quantifier(&bytes[at..])?;
            at += length;
            runs.push(Run { set: ByteSet::of(|b| set[b as usize]), min, max });
        }
        // Greedy is exact only where a run of variable length shares no
        // character with the runs that could take the character after it:
        // those up to and including the next one that cannot be empty.
        for (i, run) in runs.iter().enumerate() {
            if run.min == run.max {
                continue;
            }
            let reach = runs[i + 1..].iter().position(|later| later.min > 0).map_or(runs.len(), |next| i + 1 + next + 1);
            if runs[i + 1..reach].iter().any(|later| run.set.members().any(|b| later.set.contains(b))) {
                return None;
            }
        }
        let mut items: Vec<Item> = Vec::new();
        for run in runs {
            let single = (run.min, run.max) == (1, 1) && run.set.members().count() == 1;
            match (single, items.last_mut()) {
                (true, Some(Item::Literal(literal))) => literal.extend(run.set.members()),
                (true, _) => items.push(Item::Literal(run.set.members().collect())),
                (false, _) => items.push(Item::Run(run)),
            }
        }
        Some(Runs { items })
    }

    /// Whether `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut at: usize = 0;
        for item in &self.items {
            match item {
                Item::Literal(literal) => {
                    if !bytes[at..].starts_with(literal) {
                        return false;
                    }
                    at += literal.len();
                }
                Item::Run(run) => {
                    let limit = bytes.len().min(at.saturating_add(run.max));
                    let taken = run.set.span(&bytes[at..limit]);
                    if taken < run.min {
                        return false;
                    }
                    at += taken;
                }
            }
        }
        at == bytes.len()
    }
}

/// The quantifier at the start of `rest`: (min, max, its length); `None`
/// for a form ECMA-262 reads otherwise (`{,n}`, a lazy `?` after one).
fn quantifier(rest: &[u8]) -> Option<(usize, usize, usize)> {
    let (min, max, length) = match rest.first() {
        Some(b'?') => (0, 1, 1),
        Some(b'*') => (0, usize::MAX, 1),
        Some(b'+') => (1, usize::MAX, 1),
        Some(b'{') => {
            let end = rest.iter().position(|b| *b == b'}')?;
            let inside = std::str::from_utf8(&rest[1..end]).ok()?;
            let number = |text: &str| -> Option<usize> {
                (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
            };
            let (min, max) = match inside.split_once(',') {
                None => (number(inside)?, number(inside)?),
                Some((min, "")) => (number(min)?, usize::MAX),
                Some((min, max)) => (number(min)?, number(max)?),
            };
            if min > max {
                return None;
            }
            (min, max, end + 1)
        }
        _ => (1, 1, 0),
    };
    if length > 0 && matches!(rest.get(length), Some(b'?' | b'*' | b'+' | b'{')) {
        return None;
    }
    Some((min, max, length))
}

/// Whether ECMA-262 and the `regex` crate read `pattern` alike: ASCII
/// literals, anchors, groups, alternation, quantifiers and bracket classes
/// of literals and ranges. Escapes, `.` outside a class, `(?` forms, empty
/// or nested classes, class set operators and `{,n}` differ between the
/// two.
fn same_in_both(pattern: &str) -> bool {
    if !pattern.is_ascii() || pattern.contains('\\') {
        return false;
    }
    if ["(?", "[]", "[^]", "&&", "--", "~~", "{,"].iter().any(|odd| pattern.contains(odd)) {
        return false;
    }
    let mut in_class = false;
    for c in pattern.chars() {
        match c {
            '[' if in_class => return false,
            '[' => in_class = true,
            ']' => in_class = false,
            // `.` is a literal in a class for both; outside one the two
            // disagree on which line terminators it refuses.
            '.' if !in_class => return false,
            _ => {}
        }
    }
    !in_class
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ecma(pattern: &str, text: &str) -> bool {
        regress::Regex::with_flags(pattern, "u").unwrap().find(text).is_some()
    }

    #[test]
    fn patterns_answer_as_ecma_262_on_every_engine() {
        let cases = [
            ("^[a-z][a-z0-9_]*$", "tokens", true),
            ("^[a-z][a-z0-9_]*$", "Tokens", false),
            ("^[A-Z]{3}-[0-9]{4}$", "ABC-0042", true),
            ("^[A-Z]{3}-[0-9]{4}$", "ABC-042", false),
            ("ab|cd", "xxcdxx", true),
            ("^(ab)+$", "ababa", false),
            ("[^a-z]", "abc", false),
            ("[^a-z]", "abé", true),
            ("^\\d+$", "123", true),
            ("^\\d+$", "١٢٣", false), // ECMA's \d is ASCII; regex's is not
            ("^.$", "é", true),
            ("^stac:item:[a-z0-9_:.-]+$", "stac:item:ks:landsat:lc09_l1tp", true),
            ("^stac:item:[a-z0-9_:.-]+$", "stac:item:", false),
            ("^[0-9a-f]{64}$", &"ab".repeat(32), true),
            ("^[0-9a-f]{64}$", &"ab".repeat(33), false),
            ("^[a-z]{2,3}$", "abcd", false),
        ];
        for (pattern, text, expected) in cases {
            let compiled = Pattern::new(pattern).expect("valid");
            assert_eq!(compiled.is_match(text), expected, "{pattern} on {text:?}");
            assert_eq!(ecma(pattern, text), expected, "regress itself: {pattern} on {text:?}");
        }
        assert!(matches!(Pattern::new("^[0-9a-f]{64}$"), Ok(Pattern::Runs(_))));
        assert!(matches!(Pattern::new("^stac:item:[a-z0-9_:.-]+$"), Ok(Pattern::Runs(_))));
        assert!(matches!(Pattern::new("^[a-z]{2}(-[A-Z]{2})?$"), Ok(Pattern::Automaton(_))));
        assert!(matches!(Pattern::new("^[a-z]+[.][a-z]+(x|y)$"), Ok(Pattern::Automaton(_))));
        assert!(matches!(Pattern::new("^\\d+$"), Ok(Pattern::Ecma(_))));
        assert!(Pattern::new("(").is_err());
        // An empty class in ECMA-262, a class of `]` and `a` for regex.
        assert!(!matches!(Pattern::new("^[]a]$"), Ok(Pattern::Runs(_) | Pattern::Automaton(_))));
    }

    #[test]
    fn runs_are_taken_only_where_taking_the_most_is_the_only_match() {
        for overlapping in ["^[a-z]*[0-9]*[a-z]$", "^a*a$", "^[a-c]+b$", "^x?x$", "^a*b?a$"] {
            assert!(Runs::parse(overlapping).is_none(), "{overlapping}");
        }
        for shape in ["^a*b$", "^[a-z][a-z0-9_-]*$", "^v[0-9]+[.][0-9]+$", "^[A-Z]{2,4}-[0-9]{1,}$"] {
            assert!(Runs::parse(shape).is_some(), "{shape}");
        }
        for odd in ["^a{,2}$", "^a+?$", "^[^a]$", "^[z-a]$", "^a|b$", "a+$", "^a+", "^[a\\]]$"] {
            assert!(Runs::parse(odd).is_none(), "{odd}");
        }
    }

    /// Every string of up to four characters over an alphabet that meets
    /// every run's edges, on both engines.
    #[test]
    fn runs_agree_with_ecma_262_on_every_short_string() {
        let patterns = [
            "^[a-z][a-z0-9_-]*$",
            "^ab?[0-9]{2}$",
            "^[0-9a-f]{2,3}x$",
            "^a*b+$",
            "^[ab]{1,2}-[0-9]*$",
            "^x{0}y$",
            "^[.-]+:$",
            "^[0-9]+[.][0-9]+$",
            "^a*b?c*d?9$",
        ];
        let alphabet = ['a', 'b', 'c', 'd', 'x', '0', '9', '_', '-', '.', ':', 'é'];
        let mut texts = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier.iter().flat_map(|text| alphabet.iter().map(move |c| format!("{text}{c}"))).collect();
            texts.extend(frontier.iter().cloned());
        }
        for pattern in patterns {
            let runs = Runs::parse(pattern).unwrap_or_else(|| panic!("{pattern} has the shape"));
            let engine = regress::Regex::with_flags(pattern, "u").unwrap();
            for text in &texts {
                assert_eq!(runs.is_match(text), engine.find(text).is_some(), "{pattern} on {text:?}");
            }
        }
    }
}
