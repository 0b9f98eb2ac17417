//! Laying out a table in a given width: columns chosen by importance, widths shared out, long
//! text wrapped at word boundaries and identifiers cut with `…`. Never breaks a word in two
//! and never depends on colour: colour is added to a cell after its width is decided.
//!
//! Every cell's text must already be cleaned for a terminal ([`super::sanitize::clean`]).

use std::io::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::finding::Severity;

/// Two spaces between columns.
const GAP: usize = 2;

/// How a column's cells fit a narrower width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// One line, cut with `…` (identifiers, names, times). `max` caps the column however
    /// wide the terminal is.
    Cut { max: usize },
    /// Wrapped at spaces onto more lines (sentences).
    Wrap,
}

/// A column: its header, how it fits, and how important it is (0: always shown; higher
/// numbers are dropped first when the width is too small for every column).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub fit: Fit,
    pub drop_order: u8,
    /// When the row is too narrow for it, it may go on lines of its own below the row.
    pub detail: bool,
}

impl Column {
    pub const fn cut(header: &'static str, max: usize, drop_order: u8) -> Column {
        Column {
            header,
            fit: Fit::Cut { max },
            drop_order,
            detail: false,
        }
    }

    pub const fn wrap(header: &'static str, drop_order: u8) -> Column {
        Column {
            header,
            fit: Fit::Wrap,
            drop_order,
            detail: false,
        }
    }

    /// This column may go below the row, on lines of its own, in a narrow table.
    pub const fn or_below(mut self) -> Column {
        self.detail = true;
        self
    }
}

/// One cell: its text and, for a severity, the colour that goes with it.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub severity: Option<Severity>,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            severity: None,
        }
    }

    pub fn severity(severity: Severity) -> Cell {
        Cell {
            text: severity.as_str().to_owned(),
            severity: Some(severity),
        }
    }
}

/// A table to lay out.
#[derive(Debug, Clone)]
pub struct Grid {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

impl Grid {
    pub fn new(columns: Vec<Column>) -> Grid {
        Grid {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are ignored.
    pub fn row(&mut self, mut cells: Vec<Cell>) {
        cells.resize(self.columns.len(), Cell::default());
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the table in `width` columns (`None`: as wide as its content, nothing cut).
    pub fn render(
        &self,
        width: Option<usize>,
        color: bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let natural: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r[i].text.width())
                    .chain([self.columns[i].header.width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let plan = match width {
            None => Plan {
                shown: (0..self.columns.len()).collect(),
                widths: natural.clone(),
                below: Vec::new(),
            },
            Some(width) => self.fit(&natural, width),
        };
        let fits: Vec<Fit> = plan
            .shown
            .iter()
            .map(|i| match width {
                None => Fit::Cut { max: usize::MAX },
                Some(_) => self.columns[*i].fit,
            })
            .collect();
        let header: Vec<Cell> = plan
            .shown
            .iter()
            .map(|i| Cell::new(self.columns[*i].header))
            .collect();
        write_row(&header, &plan.widths, &fits, false, out)?;
        let rule: Vec<String> = plan.widths.iter().map(|w| "─".repeat(*w)).collect();
        writeln!(out, "{}", rule.join(&" ".repeat(GAP)))?;
        let below_width = width.unwrap_or(usize::MAX).saturating_sub(4).max(20);
        for row in &self.rows {
            let cells: Vec<Cell> = plan.shown.iter().map(|i| row[*i].clone()).collect();
            write_row(&cells, &plan.widths, &fits, color, out)?;
            for i in &plan.below {
                let label = if plan.below.len() > 1 {
                    format!("{}: ", self.columns[*i].header)
                } else {
                    String::new()
                };
                let text = format!("{label}{}", row[*i].text);
                for line in wrap(&text, below_width) {
                    writeln!(out, "    {line}")?;
                }
            }
        }
        Ok(())
    }

    /// Which columns to show in the row, how wide, and which go below it, so that every line
    /// fits `width`: each column first gets a comfortable width; when they do not all fit,
    /// the columns that may go below the row go there, then the least important columns are
    /// left out, then identifiers are cut (widest first) and sentences narrowed.
    fn fit(&self, natural: &[usize], width: usize) -> Plan {
        let comfort = |i: usize| -> usize {
            match self.columns[i].fit {
                Fit::Cut { max } => natural[i].min(max),
                Fit::Wrap => natural[i].min(COMFORT_WRAP),
            }
        };
        // What a sentence column needs at the least to be worth keeping in the row.
        let floor = |i: usize| -> usize {
            match self.columns[i].fit {
                Fit::Cut { max } => natural[i].min(max),
                Fit::Wrap => natural[i].min(FLOOR_WRAP),
            }
        };
        let least = |i: usize| -> usize {
            let header = self.columns[i].header.width();
            match self.columns[i].fit {
                Fit::Wrap => natural[i].min(header.max(16)),
                Fit::Cut { max } => natural[i].min(max).min(header.max(10)),
            }
        };
        let total = |cols: &[usize], w: &dyn Fn(usize) -> usize| -> usize {
            cols.iter().map(|i| w(*i)).sum::<usize>() + GAP * cols.len().saturating_sub(1)
        };
        let mut shown: Vec<usize> = (0..self.columns.len()).collect();
        let mut below = Vec::new();
        if total(&shown, &comfort) > width {
            below = shown
                .iter()
                .copied()
                .filter(|i| self.columns[*i].detail)
                .collect();
            shown.retain(|i| !self.columns[*i].detail);
        }
        // Leave out the least important columns until the rest fit, sentences narrowed.
        while total(&shown, &floor) > width {
            let Some((at, _)) = shown
                .iter()
                .enumerate()
                .filter(|(_, i)| self.columns[**i].drop_order > 0)
                .max_by_key(|(pos, i)| (self.columns[**i].drop_order, *pos))
            else {
                break;
            };
            shown.remove(at);
        }
        let mut widths: Vec<usize> = shown.iter().map(|i| floor(*i)).collect();
        let budget = width.saturating_sub(GAP * shown.len().saturating_sub(1));
        // Room to spare goes to sentences, up to their natural width.
        let mut spare = budget.saturating_sub(widths.iter().sum());
        for (pos, i) in shown.iter().enumerate() {
            if self.columns[*i].fit == Fit::Wrap && spare > 0 {
                let more = natural[*i].saturating_sub(widths[pos]).min(spare);
                widths[pos] += more;
                spare -= more;
            }
        }
        // Too wide still: cut identifiers (widest first), then narrow sentences.
        for sentences in [false, true] {
            while widths.iter().sum::<usize>() > budget {
                let candidate = shown
                    .iter()
                    .enumerate()
                    .filter(|(pos, i)| {
                        (self.columns[**i].fit == Fit::Wrap) == sentences
                            && widths[*pos] > least(**i)
                    })
                    .max_by_key(|(pos, _)| widths[*pos]);
                let Some((pos, i)) = candidate else {
                    break;
                };
                let excess = widths.iter().sum::<usize>() - budget;
                widths[pos] = widths[pos].saturating_sub(excess).max(least(*i));
            }
        }
        Plan {
            shown,
            widths,
            below,
        }
    }
}

/// A sentence column narrower than this in the row goes below the row where it may.
const COMFORT_WRAP: usize = 48;
/// The narrowest a sentence column is kept in the row before other columns are left out.
const FLOOR_WRAP: usize = 20;

/// How a table is laid out in a width.
struct Plan {
    /// The columns in the row, in order, and their widths.
    shown: Vec<usize>,
    widths: Vec<usize>,
    /// The columns written below each row.
    below: Vec<usize>,
}

/// One table row, each cell wrapped or cut to its width, padded, lines joined.
fn write_row(
    cells: &[Cell],
    widths: &[usize],
    fits: &[Fit],
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let lines: Vec<Vec<String>> = cells
        .iter()
        .zip(widths)
        .zip(fits)
        .map(|((cell, width), fit)| match fit {
            Fit::Wrap => wrap(&cell.text, *width),
            Fit::Cut { .. } => vec![cut(&cell.text, *width)],
        })
        .collect();
    let height = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    for line in 0..height {
        let mut text = String::new();
        for (col, cell_lines) in lines.iter().enumerate() {
            let part = cell_lines.get(line).map_or("", String::as_str);
            let pad = widths[col].saturating_sub(part.width());
            let last = col + 1 == lines.len();
            match cells[col].severity.filter(|_| color && !part.is_empty()) {
                Some(severity) => {
                    text.push_str(sgr(severity));
                    text.push_str(part);
                    text.push_str("\u{1b}[0m");
                }
                None => text.push_str(part),
            }
            if !last {
                text.push_str(&" ".repeat(pad + GAP));
            }
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

/// The ANSI colour of a severity.
fn sgr(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\u{1b}[35m",
        Severity::High => "\u{1b}[31m",
        Severity::Medium => "\u{1b}[33m",
        Severity::Low => "\u{1b}[36m",
        Severity::Info => "\u{1b}[0m",
    }
}

/// `text` in at most `width` columns: whole, or cut with `…`.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

/// `text` wrapped at spaces into lines of at most `width` columns. A word wider than the
/// column is cut with `…` rather than broken across lines.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = if word.width() > width {
            cut(word, width)
        } else {
            word.to_owned()
        };
        if line.is_empty() {
            line = word;
        } else if line.width() + 1 + word.width() <= width {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut line));
            line = word;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Text of several lines with each line wrapped to `width` (`None`: as it is); continuation
/// lines keep the line's indentation plus four spaces.
pub fn wrap_lines(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if body.width() <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let first = &body[..indent];
        let rest = format!("{first}    ");
        for (i, part) in wrap(body.trim_start(), width.saturating_sub(rest.len()).max(10))
            .iter()
            .enumerate()
        {
            out.push_str(if i == 0 { first } else { &rest });
            out.push_str(part);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(grid: &Grid, width: Option<usize>) -> String {
        let mut out = Vec::new();
        grid.render(width, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn sample() -> Grid {
        let mut grid = Grid::new(vec![
            Column::cut("Severity", 8, 0),
            Column::cut("Resource", 40, 2),
            Column::wrap("Finding", 0),
            Column::cut("Event id", 36, 3),
        ]);
        grid.row(vec![
            Cell::severity(Severity::High),
            Cell::new("arn:aws:iam::111122223333:role/a-rather-long-role-name-for-testing"),
            Cell::new("A non-privileged role can change GuardDuty (12 write actions)"),
            Cell::new("0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
        ]);
        grid
    }

    #[test]
    fn every_line_fits_and_no_word_is_broken() {
        for width in [40, 60, 80, 100, 120, 200] {
            let text = rendered(&sample(), Some(width));
            for line in text.lines() {
                assert!(
                    line.width() <= width,
                    "{width}: {line:?} is {} wide",
                    line.width()
                );
            }
            for word in ["non-privileged", "GuardDuty", "actions)"] {
                assert!(
                    text.contains(word) || !text.contains(&word[..4]),
                    "{width}: {text}"
                );
            }
        }
    }

    #[test]
    fn the_least_important_columns_go_first() {
        let narrow = rendered(&sample(), Some(60));
        assert!(!narrow.contains("Event id"), "{narrow}");
        assert!(
            narrow.contains("Severity") && narrow.contains("Finding"),
            "{narrow}"
        );
        let wide = rendered(&sample(), None);
        assert!(
            wide.contains("0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
            "{wide}"
        );
        assert!(
            wide.contains("a-rather-long-role-name-for-testing"),
            "{wide}"
        );
    }

    #[test]
    fn colour_never_changes_the_layout() {
        let mut plain = Vec::new();
        let mut coloured = Vec::new();
        sample().render(Some(80), false, &mut plain).unwrap();
        sample().render(Some(80), true, &mut coloured).unwrap();
        let stripped = String::from_utf8(coloured)
            .unwrap()
            .replace("\u{1b}[31m", "")
            .replace("\u{1b}[0m", "");
        assert_eq!(String::from_utf8(plain).unwrap(), stripped);
    }

    #[test]
    fn cutting_and_wrapping() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(cut("日本語テキスト", 5), "日本…");
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("supercalifragilistic word", 6), ["super…", "word"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
