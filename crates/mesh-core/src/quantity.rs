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

fn split_suffix(s: &str) -> Option<(&str, f64)> {
    let s = s.trim();
    let binary = [
        ("Ki", 1u64 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("Pi", 1 << 50),
        ("Ei", 1 << 60),
    ];
    for (suffix, factor) in binary {
        if let Some(n) = s.strip_suffix(suffix) {
            return Some((n, factor as f64));
        }
    }
    let decimal = [
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in decimal {
        if let Some(n) = s.strip_suffix(suffix) {
            return Some((n, factor));
        }
    }
    if let Some(pos) = s.find(['e', 'E']) {
        let exp: i32 = s[pos + 1..].parse().ok()?;
        return Some((&s[..pos], 10f64.powi(exp)));
    }
    Some((s, 1.0))
}

/// The value of a quantity in base units (cores, bytes), or `None` when it is not a quantity.
pub fn parse_quantity(s: &str) -> Option<f64> {
    if !is_quantity(s.trim()) {
        return None;
    }
    let (number, factor) = split_suffix(s)?;
    let n: f64 = number.parse().ok()?;
    Some(n * factor)
}

/// CPU cores of a quantity (`500m` → 0.5), rounded to the millicore like Kubernetes.
pub fn parse_cpu(s: &str) -> Option<f64> {
    parse_quantity(s).map(|v| (v * 1000.0).ceil() / 1000.0)
}

/// Bytes of a quantity (`1Gi` → 1073741824), rounded up to a whole byte like Kubernetes.
pub fn parse_bytes(s: &str) -> Option<i64> {
    let trimmed = s.trim();
    // Exact for plain integers, which is what mesh writes for memory.
    if let Ok(n) = trimmed.parse::<i64>() {
        return Some(n);
    }
    let v = parse_quantity(trimmed)?.ceil();
    (v.abs() < 9.2e18).then_some(v as i64)
}

/// The exact value of a quantity as the nearest `f64`, decimal suffixes read as powers of ten
/// (`300m` is exactly 0.3, not `300 × 0.001`), so what [`cpu`] writes reads back unchanged.
pub fn parse_exact(s: &str) -> Option<f64> {
    let s = s.trim();
    if !is_quantity(s) {
        return None;
    }
    let (number, factor) = split_suffix(s)?;
    let exponent = match s.strip_prefix(number).unwrap_or("") {
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "" => 0,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        suffix if suffix.starts_with(['e', 'E']) => suffix[1..].parse().ok()?,
        // Binary suffixes: exact for the integers and halves they are used with.
        _ => return number.parse::<f64>().ok().map(|n| n * factor),
    };
    format!("{number}e{exponent}").parse().ok()
}

/// Whether `s` matches the Kubernetes quantity syntax (`500m`, `1Gi`, `1e3`, `0.5`).
pub fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    let number_ok = match number.split_once('.') {
        None => !number.is_empty(),
        Some((a, b)) => !(b.contains('.') || a.is_empty() && b.is_empty()),
    };
    if !number_ok {
        return false;
    }
    match suffix {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi"
        | "Ei" => true,
        e if e.starts_with(['e', 'E']) => {
            let exp = &e[1..];
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
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
}
