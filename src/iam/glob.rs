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
    /// `?`: any one character within an ARN segment (not `:`).
    One,
    /// `*` as the last character of an ARN segment (before a `:` or at the end): any run of
    /// characters, `/` and `:` included — AWS lets it "expand beyond the colon boundaries".
    Star,
    /// `*` elsewhere in a segment: any run of characters within the segment (no `:`).
    SegmentStar,
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
            Token::Star | Token::SegmentStar | Token::Segment | Token::Path | Token::Unknown
        )
    }

    /// Can this token consume the character `c`?
    fn accepts(self, c: u8) -> bool {
        match self {
            Token::Byte(b) => b == c,
            Token::Star | Token::Unknown => true,
            Token::One | Token::SegmentStar | Token::Path => c != b':',
            Token::Segment => c != b'/' && c != b':',
        }
    }

    /// Can this token and `other` each consume the same single character?
    fn shares_a_char_with(self, other: Token) -> bool {
        match (self, other) {
            (Token::Byte(a), Token::Byte(b)) => a == b,
            (Token::Byte(c), Token::Segment) | (Token::Segment, Token::Byte(c)) => {
                c != b'/' && c != b':'
            }
            (Token::Byte(c), other) | (other, Token::Byte(c)) => other.accepts(c),
            // Two classes share a character unless one of them allows only `:` — none does.
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
            // AWS: a `*` that ends an ARN segment may expand beyond the colon; others stay
            // within their segment.
            b'*' if matches!(bytes.get(i + 1), None | Some(b':')) => Token::Star,
            b'*' => Token::SegmentStar,
            b'?' => Token::One,
            _ => Token::Byte(c),
        });
        i += 1;
    }
    out
}

/// Does a tokenized pattern match this exact text (an ARN)? Each token consumes what
/// [`Token::accepts`]; a run may take nothing. The usual two-pointer walk with backtracking to
/// the last run: linear for patterns with one run, and far cheaper than [`intersects`] with
/// the text's literal tokens.
pub fn matches_tokens(pattern: &[Token], text: &[u8]) -> bool {
    if !pattern.is_empty() && pattern.iter().all(|t| *t == Token::Star) {
        return true;
    }
    if pattern.len() >= 127 {
        return intersects(
            pattern,
            &text.iter().map(|&b| Token::Byte(b)).collect::<Vec<_>>(),
        );
    }
    // Live positions as bits (bit i: the pattern up to token i has matched the text so far).
    let runs: u128 = pattern
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_run())
        .fold(0, |m, (i, _)| m | 1 << i);
    // Runs may match nothing: a live run makes the position after it live too.
    let close = |mut live: u128| {
        loop {
            let more = live | ((live & runs) << 1);
            if more == live {
                return live;
            }
            live = more;
        }
    };
    let mut live = close(1);
    for &c in text {
        let mut next: u128 = 0;
        let mut bits = live & ((1u128 << pattern.len()) - 1);
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if pattern[i].accepts(c) {
                next |= if runs & (1 << i) != 0 {
                    1 << i
                } else {
                    1 << (i + 1)
                };
            }
        }
        if next == 0 {
            return false;
        }
        live = close(next);
    }
    live & (1u128 << pattern.len()) != 0
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
                        && match set[j] {
                            Token::Byte(c) => c != b':',
                            Token::One => true,
                            _ => false,
                        }
                        && covered[(i + 1) * width + j + 1]
                }
                Token::SegmentStar => {
                    covered[(i + 1) * width + j]
                        || (j < set.len()
                            && match set[j] {
                                Token::Byte(c) => c != b':',
                                Token::One | Token::SegmentStar | Token::Segment | Token::Path => {
                                    true
                                }
                                Token::Star | Token::Unknown => false,
                            }
                            && covered[i * width + j + 1])
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

/// Is there a string that `template` and every one of `positives` match, and none of
/// `negatives`? Exact (a walk of the product of the patterns' subset automata), for the sets of
/// resources that survive an Allow in every layer and every Deny.
pub fn nonempty(template: &[Token], positives: &[&[Token]], negatives: &[&[Token]]) -> bool {
    // The common cases need no automaton.
    if positives.iter().any(|p| !intersects(p, template)) {
        return false;
    }
    let negatives: Vec<&[Token]> = negatives
        .iter()
        .copied()
        .filter(|n| intersects(n, template))
        .collect();
    if negatives.is_empty() && positives.len() <= 1 {
        return true;
    }
    if negatives.iter().any(|n| covers(n, template)) {
        return false;
    }
    let mut patterns: Vec<&[Token]> = Vec::with_capacity(1 + positives.len() + negatives.len());
    patterns.push(template);
    patterns.extend_from_slice(positives);
    // A negative that cannot match anything the template does is irrelevant.
    patterns.extend(negatives.iter().copied());
    let must = 1 + positives.len();
    let automaton = Product::new(&patterns);
    // The alphabet: every literal byte, `:` and `/`, and one byte standing for all others.
    let mut alphabet: Vec<u8> = vec![b':', b'/'];
    for p in &patterns {
        for t in p.iter() {
            if let Token::Byte(b) = t
                && !alphabet.contains(b)
            {
                alphabet.push(*b);
            }
        }
    }
    if let Some(other) = (b'!'..=b'~').find(|b| !alphabet.contains(b)) {
        alphabet.push(other);
    }
    let start = automaton.start();
    let mut seen: std::collections::HashSet<Vec<u64>> = std::collections::HashSet::new();
    let mut stack = vec![start];
    while let Some(state) = stack.pop() {
        if !automaton.alive(&state, must) || !seen.insert(state.clone()) {
            continue;
        }
        if automaton.accepts(&state, must) {
            return true;
        }
        for &c in &alphabet {
            let next = automaton.step(&state, c);
            if automaton.alive(&next, must) && !seen.contains(&next) {
                stack.push(next);
            }
        }
    }
    false
}

/// Several patterns run side by side, each as a set of positions (a bitset) in one state.
struct Product<'p> {
    patterns: Vec<&'p [Token]>,
    /// First word of each pattern's bitset.
    offsets: Vec<usize>,
    words: usize,
}

impl<'p> Product<'p> {
    fn new(patterns: &[&'p [Token]]) -> Self {
        let mut offsets = Vec::with_capacity(patterns.len());
        let mut words = 0;
        for p in patterns {
            offsets.push(words);
            words += (p.len() + 1).div_ceil(64);
        }
        Product {
            patterns: patterns.to_vec(),
            offsets,
            words,
        }
    }

    fn has(state: &[u64], offset: usize, i: usize) -> bool {
        state[offset + i / 64] & (1 << (i % 64)) != 0
    }

    fn set(state: &mut [u64], offset: usize, i: usize) {
        state[offset + i / 64] |= 1 << (i % 64);
    }

    /// Adds the positions reachable by letting runs match nothing.
    fn close(&self, state: &mut [u64]) {
        for (k, p) in self.patterns.iter().enumerate() {
            let offset = self.offsets[k];
            for i in 0..p.len() {
                if Self::has(state, offset, i) && p[i].is_run() {
                    Self::set(state, offset, i + 1);
                }
            }
        }
    }

    fn start(&self) -> Vec<u64> {
        let mut state = vec![0; self.words];
        for &offset in &self.offsets {
            Self::set(&mut state, offset, 0);
        }
        self.close(&mut state);
        state
    }

    fn step(&self, state: &[u64], c: u8) -> Vec<u64> {
        let mut next = vec![0; self.words];
        for (k, p) in self.patterns.iter().enumerate() {
            let offset = self.offsets[k];
            for i in 0..p.len() {
                if Self::has(state, offset, i) && p[i].accepts(c) {
                    let to = if p[i].is_run() { i } else { i + 1 };
                    Self::set(&mut next, offset, to);
                }
            }
        }
        self.close(&mut next);
        next
    }

    /// The template and every positive can still match.
    fn alive(&self, state: &[u64], must: usize) -> bool {
        (0..must).all(|k| {
            let end = self.offsets.get(k + 1).copied().unwrap_or(self.words);
            state[self.offsets[k]..end].iter().any(|&w| w != 0)
        })
    }

    fn accepts(&self, state: &[u64], must: usize) -> bool {
        self.patterns.iter().enumerate().all(|(k, p)| {
            let done = Self::has(state, self.offsets[k], p.len());
            if k < must { done } else { !done }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> Vec<Token> {
        tokenize_pattern(p, true)
    }

    /// Matching one ARN agrees with intersecting its literal tokens, for every pattern form.
    #[test]
    fn matching_an_arn_agrees_with_intersecting_its_literal() {
        let patterns = [
            "*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::1:role/a*b",
            "arn:*:iam::1:role/x",
            "arn:aws:iam::1:role/?",
            "arn:aws:iam::1:*",
            "arn:aws:*",
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:iam::1:role/a*",
            "*:role/a",
            "arn:aws:iam::1:role/a/*/c",
        ];
        let arns = [
            "arn:aws:iam::1:role/a",
            "arn:aws:iam::1:role/ab",
            "arn:aws:iam::1:role/a/b/c",
            "arn:aws:iam::1:role/x",
            "arn:aws:iam::2:user/u",
            "arn:aws:iam::1:role/a:b",
            "",
        ];
        for p in patterns {
            for a in arns {
                let literal: Vec<Token> = a.bytes().map(Token::Byte).collect();
                assert_eq!(
                    matches_tokens(&t(p), a.as_bytes()),
                    intersects(&t(p), &literal),
                    "{p} against {a}"
                );
            }
        }
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
    fn a_star_ending_a_segment_crosses_colons_one_inside_does_not() {
        assert_eq!(t("a*:b")[1], Token::Star);
        assert_eq!(t("a*b")[1], Token::SegmentStar);
        let arn = t("arn:aws:guardduty:us-east-1:111122223333:detector/d1");
        // `*` ends its segment: it may stand for `us-east-1:111122223333`.
        assert!(intersects(&t("arn:aws:guardduty:*:detector/*"), &arn));
        assert!(!intersects(&t("arn:aws:guardduty:us-*1:detector/*"), &arn));
        assert!(!intersects(
            &t("arn:aws:guardduty:us-east-1?111122223333:*"),
            &arn
        ));
    }

    #[test]
    fn nonempty_intersections_with_exclusions() {
        let detector = [
            t("arn:aws:guardduty:"),
            vec![Token::Segment],
            t(":1:detector/"),
            vec![Token::Segment],
        ]
        .concat();
        let east = t("arn:aws:guardduty:us-east-1:1:detector/*");
        let all = t("*");
        assert!(nonempty(&detector, &[&all], &[&east]));
        assert!(!nonempty(&detector, &[&east], &[&all]));
        assert!(!nonempty(
            &detector,
            &[&east],
            &[&t("arn:aws:guardduty:us-*")]
        ));
        assert!(nonempty(
            &detector,
            &[&east],
            &[&t("arn:aws:guardduty:us-east-1:1:detector/d1")]
        ));
        let west = t("arn:aws:guardduty:eu-west-1:1:detector/*");
        assert!(!nonempty(&detector, &[&east, &west], &[]));
        assert!(!nonempty(
            &detector,
            &[&all],
            &[&t("arn:aws:guardduty:*:1:detector/*")]
        ));
        // The request resource `*` of an action without a resource type.
        let star = [Token::Byte(b'*')];
        assert!(nonempty(&star, &[&all], &[&detector]));
        assert!(!nonempty(&star, &[&east], &[]));
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
