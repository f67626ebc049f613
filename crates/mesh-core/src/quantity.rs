//! Kubernetes quantities: Pulsar's CPU cores and RAM bytes written the way the worker service
//! writes them (the Kubernetes Java client's canonical decimal-SI form), and read back.
//!
//! ```
//! use mesh_core::quantity::{cpu, memory, parse_cpu, parse_bytes};
//!
//! assert_eq!(cpu(0.5).0, "500m");
//! assert_eq!(memory(2_200_000_000).0, "2200M");
//! assert_eq!(parse_cpu("500m"), Some(0.5));
//! assert_eq!(parse_bytes("1Gi"), Some(1_073_741_824));
//! ```

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// A decimal number as `digits × 10^exponent`, digits without trailing zeros.
struct Decimal {
    negative: bool,
    digits: String,
    exponent: i32,
}

impl Decimal {
    /// From a plain decimal string such as `-12.500` or `1073741824`.
    fn from_plain(s: &str) -> Option<Decimal> {
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_owned();
        let mut exponent = -i32::try_from(frac.len()).ok()?;
        while digits.ends_with('0') {
            digits.pop();
            exponent += 1;
        }
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits: "0".to_owned(),
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            digits,
            exponent,
        })
    }

    /// The canonical decimal-SI string: the exponent moved to the multiple of three at or below
    /// it, and written as a suffix (`n u m "" k M G T P E`).
    fn to_decimal_si(&self) -> String {
        let m = self.exponent.div_euclid(3) * 3;
        let suffix = match m {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => {
                let sign = if self.negative { "-" } else { "" };
                return format!("{sign}{}e{}", self.digits, self.exponent);
            }
        };
        let zeros = usize::try_from(self.exponent - m).unwrap_or_default();
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{}{}{suffix}", self.digits, "0".repeat(zeros))
    }
}

/// CPU cores as a quantity: `1.0` → `1`, `0.5` → `500m`, `1.5` → `1500m`.
pub fn cpu(cores: f64) -> Quantity {
    let milli = (cores * 1000.0).round();
    // A whole number of millicores (as good as every CPU setting) is exact as an integer; the
    // shortest decimal of `cores` is then `milli × 10⁻³`, since f64 tells 15-digit decimals apart.
    // Exactness is the point: the quotient must be `cores` itself, not merely close to it.
    #[allow(clippy::float_cmp)]
    let exact = milli.abs() < 1e15 && milli / 1000.0 == cores;
    if exact {
        return decimal_si(milli as i64, -3);
    }
    let plain = format!("{cores}");
    Quantity(Decimal::from_plain(&plain).map_or(plain, |d| d.to_decimal_si()))
}

/// Bytes as a quantity: `1073741824` stays as is, `2000000000` → `2G`, `1126400000` → `1126400k`.
pub fn memory(bytes: i64) -> Quantity {
    decimal_si(bytes, 0)
}

/// The canonical decimal-SI form of `v × 10^exponent` (`exponent` a multiple of 3 from -9):
/// trailing zeros, in threes, become the suffix; what [`Decimal::to_decimal_si`] writes.
fn decimal_si(v: i64, exponent: i32) -> Quantity {
    const SUFFIXES: [&str; 10] = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];
    let mut n = v.unsigned_abs();
    let mut zeros = 0u32;
    while n != 0 && n.is_multiple_of(10) {
        n /= 10;
        zeros += 1;
    }
    if n == 0 {
        return Quantity("0".to_owned());
    }
    // i64 has at most 18 trailing zeros: the exponent stays within the suffixes.
    let total = exponent + zeros.cast_signed();
    let m = total.div_euclid(3) * 3;
    let mantissa = n * 10u64.pow((total - m).cast_unsigned());
    let suffix = usize::try_from(m / 3 + 3)
        .ok()
        .and_then(|i| SUFFIXES.get(i))
        .copied()
        .unwrap_or_default();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = mantissa;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(24);
    if v < 0 {
        out.push('-');
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
    out.push_str(suffix);
    Quantity(out)
}

/// The worker service's memory padding: `round(ram × 0.1)`, rounding halves up.
pub fn padded(ram: i64) -> i64 {
    ram + (ram as f64 * 0.1 + 0.5).floor() as i64
}

/// The suffix of a quantity: what its number is multiplied by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suffix {
    /// `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`: 2 to this power (10 to 60).
    Binary(u32),
    /// `n`, `u`, `m`, none, `k`, `M`, `G`, `T`, `P`, `E`, or an exponent `e<N>`: 10 to this power.
    Decimal(i32),
}

/// A Kubernetes quantity as its one parser reads it: a signed decimal number and a [`Suffix`].
/// Every reading of a quantity in mesh (its syntax, its value, cores, bytes) goes through
/// [`Parsed::parse`].
///
/// ```
/// use mesh_core::quantity::{Parsed, Suffix};
///
/// let q = Parsed::parse("300m").unwrap();
/// assert_eq!(q.suffix(), Suffix::Decimal(-3));
/// assert_eq!(q.value(), 0.3);
/// assert_eq!(Parsed::parse("1Gi").unwrap().bytes(), Some(1_073_741_824));
/// assert!(Parsed::parse("1Gb").is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed<'a> {
    number: &'a str,
    suffix: Suffix,
}

impl<'a> Parsed<'a> {
    /// Reads `s` by the Kubernetes quantity syntax (`[+-]digits[.digits]` then a suffix), or
    /// `None` when it is not a quantity. Surrounding whitespace is not part of the syntax.
    pub fn parse(s: &'a str) -> Option<Self> {
        let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
        let end = unsigned
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(unsigned.len());
        let (digits, suffix) = unsigned.split_at(end);
        let digits_ok = match digits.split_once('.') {
            None => !digits.is_empty(),
            Some((a, b)) => !(b.contains('.') || a.is_empty() && b.is_empty()),
        };
        if !digits_ok {
            return None;
        }
        let suffix = match suffix {
            "Ki" => Suffix::Binary(10),
            "Mi" => Suffix::Binary(20),
            "Gi" => Suffix::Binary(30),
            "Ti" => Suffix::Binary(40),
            "Pi" => Suffix::Binary(50),
            "Ei" => Suffix::Binary(60),
            "n" => Suffix::Decimal(-9),
            "u" => Suffix::Decimal(-6),
            "m" => Suffix::Decimal(-3),
            "" => Suffix::Decimal(0),
            "k" => Suffix::Decimal(3),
            "M" => Suffix::Decimal(6),
            "G" => Suffix::Decimal(9),
            "T" => Suffix::Decimal(12),
            "P" => Suffix::Decimal(15),
            "E" => Suffix::Decimal(18),
            e if e.starts_with(['e', 'E']) => {
                let exp = &e[1..];
                let magnitude = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if magnitude.is_empty() || !magnitude.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                // Beyond any f64 either way; saturating keeps the syntax answer right.
                Suffix::Decimal(
                    exp.parse()
                        .unwrap_or(if exp.starts_with('-') { i32::MIN } else { i32::MAX }),
                )
            }
            _ => return None,
        };
        Some(Self {
            number: &s[..s.len() - unsigned.len() + end],
            suffix,
        })
    }

    /// The signed decimal number before the suffix.
    pub fn number(&self) -> &'a str {
        self.number
    }

    /// The suffix.
    pub fn suffix(&self) -> Suffix {
        self.suffix
    }

    /// The value in base units (cores, bytes) as the nearest `f64`: decimal suffixes are read as
    /// powers of ten (`300m` is exactly 0.3, not `300 × 0.001`), so what [`cpu`] writes reads
    /// back unchanged.
    pub fn value(&self) -> f64 {
        match self.suffix {
            Suffix::Decimal(e) => format!("{}e{e}", self.number).parse().unwrap_or(f64::NAN),
            // Scaling by a power of two is exact.
            Suffix::Binary(p) => self.number.parse::<f64>().unwrap_or(f64::NAN) * 2f64.powi(p.cast_signed()),
        }
    }

    /// CPU cores, rounded up to the millicore like Kubernetes.
    pub fn cores(&self) -> f64 {
        (self.value() * 1000.0).ceil() / 1000.0
    }

    /// Bytes, rounded up to a whole byte like Kubernetes; `None` beyond `i64`. Exact for whole
    /// numbers (`9007199254740993`, `3Gi`, `5E`), however large.
    pub fn bytes(&self) -> Option<i64> {
        if let Ok(n) = self.number.parse::<i64>() {
            let scaled = match self.suffix {
                Suffix::Binary(p) => 1i64.checked_shl(p).and_then(|f| n.checked_mul(f)),
                Suffix::Decimal(e) => u32::try_from(e)
                    .ok()
                    .and_then(|e| 10i64.checked_pow(e))
                    .and_then(|f| n.checked_mul(f)),
            };
            if scaled.is_some() {
                return scaled;
            }
        }
        let v = self.value().ceil();
        (v.abs() < 9.2e18).then_some(v as i64)
    }
}

/// The exact value of a quantity as the nearest `f64` ([`Parsed::value`]), surrounding
/// whitespace ignored; `None` when it is not a quantity.
pub fn parse_exact(s: &str) -> Option<f64> {
    Parsed::parse(s.trim()).map(|q| q.value())
}

/// CPU cores of a quantity (`500m` → 0.5, [`Parsed::cores`]).
pub fn parse_cpu(s: &str) -> Option<f64> {
    Parsed::parse(s.trim()).map(|q| q.cores())
}

/// Bytes of a quantity (`1Gi` → 1073741824, [`Parsed::bytes`]).
pub fn parse_bytes(s: &str) -> Option<i64> {
    Parsed::parse(s.trim())?.bytes()
}

/// Whether `s` matches the Kubernetes quantity syntax (`500m`, `1Gi`, `1e3`, `0.5`).
pub fn is_quantity(s: &str) -> bool {
    Parsed::parse(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in [
            "1",
            "500m",
            "1Gi",
            "0.5",
            ".5",
            "1e3",
            "1E-3",
            "+2",
            "1181116006",
            "1126400k",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "1.2.3", "1Gb", "m", "1e", "abc", "1 Gi"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn cpu_matches_the_worker_service() {
        for (c, q) in [
            (1.0, "1"),
            (2.0, "2"),
            (0.1, "100m"),
            (0.5, "500m"),
            (1.5, "1500m"),
            (0.25, "250m"),
            (0.001, "1m"),
            (8.0, "8"),
        ] {
            assert_eq!(cpu(c).0, q, "{c}");
        }
    }

    #[test]
    fn memory_matches_the_worker_service() {
        for (b, q) in [
            (102_400, "102400"),
            (112_640, "112640"),
            (4096, "4096"),
            (4506, "4506"),
            (1_073_741_824, "1073741824"),
            (1_181_116_006, "1181116006"),
            (18_897_856_102, "18897856102"),
            (2_000_000_000, "2G"),
            (2_200_000_000, "2200M"),
            (1_024_000_000, "1024M"),
            (1_126_400_000, "1126400k"),
            (0, "0"),
        ] {
            assert_eq!(memory(b).0, q, "{b}");
        }
    }

    #[test]
    fn fast_paths_take_the_same_form_as_the_general_decimal_path() {
        let general = |v: i64| {
            let plain = v.to_string();
            Decimal::from_plain(&plain).map_or(plain, |d| d.to_decimal_si())
        };
        let mut values = vec![
            0,
            1,
            -1,
            10,
            100,
            1000,
            -2000,
            1010,
            i64::MAX,
            i64::MIN,
            9_000_000_000_000_000_000,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..2000 {
            // xorshift, scaled by a power of ten so that trailing zeros are common.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pow = 10i64.pow(u32::try_from(x % 12).unwrap());
            values.push(i64::try_from(x >> 40).unwrap() * pow);
        }
        for v in values {
            assert_eq!(decimal_si(v, 0).0, general(v), "{v}");
        }
        let general_cpu = |c: f64| {
            let plain = format!("{c}");
            Decimal::from_plain(&plain).map_or(plain, |d| d.to_decimal_si())
        };
        let mut cores = vec![
            1000.0,
            -3.0,
            0.0,
            0.001,
            0.3,
            0.7,
            1.1,
            2.675,
            123_456.789,
            1e-4,
            0.1 + 0.2,
            1e20,
        ];
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = [1.0, 10.0, 100.0, 1000.0, 10_000.0][usize::try_from(x % 5).unwrap()];
            cores.push(f64::from(u32::try_from(x >> 44).unwrap()) / scale);
        }
        for c in cores {
            assert_eq!(cpu(c).0, general_cpu(c), "{c}");
        }
    }

    #[test]
    fn padding_rounds_half_up() {
        assert_eq!(padded(1_073_741_824), 1_181_116_006);
        assert_eq!(padded(4096), 4506);
        assert_eq!(padded(102_400), 112_640);
        assert_eq!(padded(17_179_869_184), 18_897_856_102);
        assert_eq!(padded(5), 6);
    }

    #[test]
    fn parsing_reads_every_suffix() {
        assert_eq!(parse_cpu("500m"), Some(0.5));
        assert_eq!(parse_cpu("2"), Some(2.0));
        assert_eq!(parse_bytes("1Gi"), Some(1_073_741_824));
        assert_eq!(parse_bytes("2200M"), Some(2_200_000_000));
        assert_eq!(parse_bytes("1126400k"), Some(1_126_400_000));
        assert_eq!(parse_bytes("1e3"), Some(1000));
        assert_eq!(parse_bytes("lots"), None);
        for b in [
            1i64,
            4096,
            1_073_741_824,
            2_000_000_000,
            1_126_400_000,
            123_456_789_012,
        ] {
            assert_eq!(parse_bytes(&memory(b).0), Some(b));
        }
        for c in [0.001, 0.1, 0.25, 1.0, 1.5, 16.0] {
            assert_eq!(parse_cpu(&cpu(c).0), Some(c));
        }
    }

    #[test]
    #[allow(
        clippy::float_cmp,
        reason = "the value must be exactly the decimal's nearest f64"
    )]
    fn one_parser_reads_number_and_suffix() {
        let q = Parsed::parse("-1.5Gi").unwrap();
        assert_eq!((q.number(), q.suffix()), ("-1.5", Suffix::Binary(30)));
        let q = Parsed::parse("+12e-3").unwrap();
        assert_eq!((q.number(), q.suffix()), ("+12", Suffix::Decimal(-3)));
        assert_eq!(q.value(), 0.012);
        // An exponent past i32 is still a quantity: its value is out of any f64's range.
        assert_eq!(Parsed::parse("1e99999999999").unwrap().value(), f64::INFINITY);
        assert_eq!(Parsed::parse("1e-99999999999").unwrap().value(), 0.0);
        assert_eq!(Parsed::parse(" 1"), None, "whitespace is not part of the syntax");
    }

    #[test]
    fn values_are_the_nearest_f64_of_the_decimal() {
        // 300 × 0.001 in floating point is not 0.3; the quantity is.
        assert_eq!(parse_exact("300m"), Some(0.3));
        assert_eq!(parse_exact("0.3"), Some(0.3));
        assert_eq!(parse_exact("1.1G"), Some(1.1e9));
        assert_eq!(parse_exact("1Ki"), Some(1024.0));
        assert_eq!(parse_exact("lots"), None);
    }

    #[test]
    fn bytes_of_whole_numbers_are_exact_and_overflow_is_none() {
        assert_eq!(parse_bytes("9007199254740993"), Some(9_007_199_254_740_993));
        assert_eq!(parse_bytes("3Gi"), Some(3 << 30));
        assert_eq!(parse_bytes("5E"), Some(5_000_000_000_000_000_000));
        assert_eq!(parse_bytes("8Ei"), None, "2^63 is past i64");
        assert_eq!(parse_bytes("1.5Ki"), Some(1536));
        assert_eq!(parse_bytes("1.0001"), Some(2), "rounded up to a whole byte");
        assert_eq!(parse_cpu("1.0001"), Some(1.001), "rounded up to the millicore");
    }
}
