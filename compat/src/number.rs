//! Numbers of schemas and instances, compared by mathematical value and
//! exactly: integers as integers (2^53 and 2^53 + 1 are one `f64` but two
//! integers), an integral float as the integer it is, other floats as
//! `f64`s.

use std::cmp::Ordering;
use std::fmt;

/// A finite JSON number.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Num {
    Int(i128),
    /// Never integral: integral floats are read as [`Num::Int`].
    Float(f64),
}

impl Num {
    /// `None` for what is no finite number.
    pub fn of(number: &serde_json::Number) -> Option<Num> {
        if let Some(integer) = number.as_i128() {
            return Some(Num::Int(integer));
        }
        let float = number.as_f64().filter(|f| f.is_finite())?;
        Some(Num::from_f64(float))
    }

    pub fn from_f64(float: f64) -> Num {
        if float.fract() == 0.0 && float.abs() < 1e38 {
            Num::Int(float as i128)
        } else {
            Num::Float(float)
        }
    }

    pub fn is_integral(self) -> bool {
        matches!(self, Num::Int(_))
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(integer) => integer as f64,
            Num::Float(float) => float,
        }
    }

    /// Whether `self` is a multiple of `divisor` (> 0): exact on
    /// integers, within rounding on floats.
    pub fn is_multiple_of(self, divisor: Num) -> bool {
        match (self, divisor) {
            (Num::Int(value), Num::Int(divisor)) => divisor != 0 && value % divisor == 0,
            _ => {
                let quotient = self.as_f64() / divisor.as_f64();
                quotient.is_finite()
                    && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
            }
        }
    }
}

impl PartialEq for Num {
    fn eq(&self, other: &Num) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(b)),
            // A float that is not integral is below 2^53 in size, so an
            // integer rounded to `f64` keeps its side of it.
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Int(integer) => write!(f, "{integer}"),
            Num::Float(float) => write!(f, "{float}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Num;

    fn num(text: &str) -> Num {
        Num::of(&serde_json::from_str(text).unwrap()).unwrap()
    }

    #[test]
    fn integers_beyond_two_to_the_53_stay_apart_and_integral_floats_are_integers() {
        assert!(num("9007199254740993") > num("9007199254740992"));
        assert!(num("3.0") == num("3"));
        assert!(num("2.5") < num("3") && num("2.5") > num("2"));
        assert!(num("-9007199254740993") < num("-9007199254740992.5"));
        assert!(num("9007199254740993").is_multiple_of(num("9007199254740993")));
        assert!(!num("9007199254740993").is_multiple_of(num("2")));
        assert!(num("0.3").is_multiple_of(num("0.1")));
        assert!(!num("0.35").is_multiple_of(num("0.1")));
    }
}
