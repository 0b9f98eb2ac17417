//! IAM wildcards: `*` (any run of characters) and `?` (one character), matched against a
//! string or against another pattern (do two patterns share a string? does one cover the other?).

/// True when `pattern` matches all of `text`. Compares bytes as given: callers lowercase both
/// sides for case-insensitive matching (action names).
pub fn matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and how much text it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// One element of a pattern over ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// This exact byte.
    Byte(u8),
    /// `?`: any one character.
    One,
    /// `*`: any run of characters, `/` and `:` included.
    Star,
    /// A variable of an ARN template (`${DetectorId}`): any run of characters within one
    /// ARN part, so without `/` or `:`.
    Segment,
    /// Any resource path of an ARN template: any run of characters without `:`.
    Path,
    /// A policy variable (`${aws:username}`): an unknown value. It may match anything, but a
    /// pattern holding one is never taken to cover a whole set of ARNs.
    Unknown,
}

impl Token {
    /// Consumes a run of characters (rather than exactly one).
    fn is_run(self) -> bool {
        matches!(
            self,
            Token::Star | Token::Segment | Token::Path | Token::Unknown
        )
    }

    /// Can this token and `other` each consume the same single character?
    fn shares_a_char_with(self, other: Token) -> bool {
        match (self, other) {
            (Token::Byte(a), Token::Byte(b)) => a == b,
            (Token::Byte(c), Token::Segment) | (Token::Segment, Token::Byte(c)) => {
                c != b'/' && c != b':'
            }
            (Token::Byte(c), Token::Path) | (Token::Path, Token::Byte(c)) => c != b':',
            _ => true,
        }
    }
}

/// Splits an IAM `Resource` pattern into tokens. With `variables` (policy version
/// 2012-10-17), `${...}` is a policy variable, except the escapes `${*}`, `${?}`, `${$}`.
pub fn tokenize_pattern(pattern: &str, variables: bool) -> Vec<Token> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if variables
            && c == b'$'
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(len) = bytes[i + 2..].iter().position(|&b| b == b'}')
        {
            let inner = &bytes[i + 2..i + 2 + len];
            out.push(match inner {
                b"*" => Token::Byte(b'*'),
                b"?" => Token::Byte(b'?'),
                b"$" => Token::Byte(b'$'),
                _ => Token::Unknown,
            });
            i += len + 3;
            continue;
        }
        out.push(match c {
            b'*' => Token::Star,
            b'?' => Token::One,
            _ => Token::Byte(c),
        });
        i += 1;
    }
    out
}

/// Is there a string both `a` and `b` match? A product-automaton walk over the two patterns.
pub fn intersects(a: &[Token], b: &[Token]) -> bool {
    // Most pairs differ early in their literal prefixes (`arn:aws:s3` against
    // `arn:aws:guardduty`): settle those without the walk.
    let prefix = |t: &[Token]| t.iter().take_while(|t| matches!(t, Token::Byte(_))).count();
    let common = prefix(a).min(prefix(b));
    if a[..common] != b[..common] {
        return false;
    }
    let width = b.len() + 1;
    let mut reached = vec![false; (a.len() + 1) * width];
    reached[0] = true;
    for i in 0..=a.len() {
        // Nothing reached in this row: nothing can be reached further on either.
        if !reached[i * width..(i + 1) * width].contains(&true) {
            return false;
        }
        for j in 0..=b.len() {
            if !reached[i * width + j] {
                continue;
            }
            if i == a.len() && j == b.len() {
                return true;
            }
            // A run may match nothing.
            if i < a.len() && a[i].is_run() {
                reached[(i + 1) * width + j] = true;
            }
            if j < b.len() && b[j].is_run() {
                reached[i * width + j + 1] = true;
            }
            // Both consume one common character; a run stays where it is.
            if i < a.len() && j < b.len() && a[i].shares_a_char_with(b[j]) {
                let ni = if a[i].is_run() { i } else { i + 1 };
                let nj = if b[j].is_run() { j } else { j + 1 };
                if (ni, nj) != (i, j) {
                    reached[ni * width + nj] = true;
                }
            }
        }
    }
    false
}

/// Does `pattern` match every string `set` matches? Sound, not complete: `true` is always
/// right; a few exotic pairs (`*?` against `?*`) answer `false` though the answer is yes,
/// which callers treat as "only some".
pub fn covers(pattern: &[Token], set: &[Token]) -> bool {
    let prefix = |t: &[Token]| t.iter().take_while(|t| matches!(t, Token::Byte(_))).count();
    let common = prefix(pattern).min(prefix(set));
    if pattern[..common] != set[..common] {
        return false;
    }
    let width = set.len() + 1;
    // covered[i][j]: pattern[i..] covers set[j..]. Filled from the ends backwards.
    let mut covered = vec![false; (pattern.len() + 1) * width];
    covered[pattern.len() * width + set.len()] = true;
    for i in (0..pattern.len()).rev() {
        for j in (0..=set.len()).rev() {
            let here = match pattern[i] {
                Token::Star => {
                    covered[(i + 1) * width + j] || (j < set.len() && covered[i * width + j + 1])
                }
                Token::One => {
                    j < set.len()
                        && matches!(set[j], Token::Byte(_) | Token::One)
                        && covered[(i + 1) * width + j + 1]
                }
                Token::Byte(c) => {
                    j < set.len() && set[j] == Token::Byte(c) && covered[(i + 1) * width + j + 1]
                }
                Token::Segment | Token::Path | Token::Unknown => false,
            };
            covered[i * width + j] = here;
        }
    }
    covered[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> Vec<Token> {
        tokenize_pattern(p, true)
    }

    #[test]
    fn string_matching_handles_star_and_question_mark_anywhere() {
        assert!(matches(b"guard*:*", b"guardduty:deletedetector"));
        assert!(matches(b"*:delete*", b"guardduty:deletedetector"));
        assert!(matches(
            b"guardduty:update?etector",
            b"guardduty:updatedetector"
        ));
        assert!(!matches(
            b"guardduty:update?etector",
            b"guardduty:updatefilter"
        ));
        assert!(matches(b"*", b""));
        assert!(!matches(b"guardduty:get*", b"guardduty:deletedetector"));
        assert!(matches(b"a*b*c", b"aXbYbZc"));
        assert!(!matches(b"a*b*c", b"aXbYbZ"));
    }

    #[test]
    fn intersection_of_two_patterns() {
        let detector = [
            t("arn:aws:guardduty:"),
            vec![Token::Segment],
            t(":111122223333:detector/"),
            vec![Token::Segment],
        ]
        .concat();
        assert!(intersects(&t("*"), &detector));
        assert!(intersects(
            &t("arn:aws:guardduty:*:111122223333:detector/*"),
            &detector
        ));
        assert!(intersects(
            &t("arn:aws:guardduty:us-east-1:*:detector/abc"),
            &detector
        ));
        assert!(!intersects(
            &t("arn:aws:guardduty:*:444455556666:detector/*"),
            &detector
        ));
        // A detector id is one ARN part: it cannot hold `/filter/`.
        assert!(!intersects(
            &t("arn:aws:guardduty:*:*:detector/*/filter/*"),
            &detector
        ));
        assert!(!intersects(&t("arn:aws:s3:::bucket/*"), &detector));
        assert!(intersects(
            &t("arn:aws:guardduty:*:${aws:PrincipalAccount}:*"),
            &detector
        ));
        assert!(intersects(&t("a*c"), &t("ab*")));
        assert!(!intersects(&t("a?"), &t("abc*d")));
    }

    #[test]
    fn coverage_is_sound() {
        let filters = [
            t("arn:aws:guardduty:"),
            vec![Token::Segment],
            t(":1:detector/"),
            vec![Token::Segment],
            t("/filter/"),
            vec![Token::Segment],
        ]
        .concat();
        assert!(covers(&t("*"), &filters));
        assert!(covers(&t("arn:aws:guardduty:*:1:detector/*"), &filters));
        assert!(covers(&t("arn:aws:guardduty:*:1:*/filter/*"), &filters));
        assert!(!covers(
            &t("arn:aws:guardduty:us-east-1:1:detector/*"),
            &filters
        ));
        assert!(!covers(&t("arn:aws:guardduty:*:1:detector/?*"), &filters));
        assert!(!covers(
            &t("arn:aws:guardduty:*:${aws:PrincipalAccount}:*"),
            &filters
        ));
        assert!(covers(&t("a?c"), &t("abc")));
        assert!(!covers(&t("a?c"), &t("a*c")));
    }

    #[test]
    fn policy_variable_escapes_are_literals() {
        assert_eq!(t("${*}"), vec![Token::Byte(b'*')]);
        assert_eq!(
            t("a${aws:username}"),
            vec![Token::Byte(b'a'), Token::Unknown]
        );
        assert_eq!(
            tokenize_pattern("${x}", false),
            vec![
                Token::Byte(b'$'),
                Token::Byte(b'{'),
                Token::Byte(b'x'),
                Token::Byte(b'}')
            ]
        );
    }
}
