//! Bar charts drawn as inline SVG on the server, so the page needs no script
//! and fetches nothing.
//!
//! The drawing has a fixed coordinate system (`viewBox`) and the stylesheet
//! scales it to the page width, so text 11 units high reads at about 10 px on
//! a 360 px wide phone. Each bar carries a `<title>` with its exact value,
//! which browsers show on hover or long press, over a transparent target as
//! tall as the plot so that thin and empty bars can be reached too.

use maud::{html, Markup};
use time::macros::format_description;
use time::Date;

/// Size of the drawing and its margins, in SVG user units.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 30.0;
// The right margin leaves room for half of the last day's label, centred on its bar.
const RIGHT: f64 = 16.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 20.0;
const FONT_SIZE: &str = "11";

/// Most value lines drawn across the plot, besides the zero line.
const MAX_TICKS: u64 = 4;

const BAR_COLOUR: &str = "#1f6feb";
const GRID_COLOUR: &str = "#d8dde6";
const AXIS_COLOUR: &str = "#5b6576";

/// Text shown in place of a chart with nothing to draw.
pub const EMPTY_MESSAGE: &str = "No calls in this period.";

/// One bar: its label under the axis (`None` to leave it out where labels
/// would crowd), the exact value in words, and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: Option<String>,
    pub title: String,
    pub value: u64,
}

/// Draws the calls of each day, labelling every day of a week and every
/// seventh or fourteenth day of longer periods, counted back from the last.
pub fn calls_per_day(days: &[(Date, u64)]) -> Markup {
    let label_every = if days.len() <= 7 {
        1
    } else {
        7 * days.len().div_ceil(49)
    };
    let short = if days.len() <= 7 {
        format_description!("[weekday repr:short] [day padding:none]")
    } else {
        format_description!("[day padding:none] [month repr:short]")
    };
    let long = format_description!("[weekday] [day padding:none] [month repr:long] [year]");
    let bars: Vec<Bar> = days
        .iter()
        .enumerate()
        .map(|(index, (date, calls))| {
            let labelled = (days.len() - 1 - index) % label_every == 0;
            Bar {
                label: labelled.then(|| date.format(short).unwrap_or_default()),
                title: format!("{}: {}", date.format(long).unwrap_or_default(), count_calls(*calls)),
                value: *calls,
            }
        })
        .collect();
    bar_chart("Calls per day", &bars)
}

/// Draws the calls that started in each hour of the day, labelled every three hours.
pub fn calls_per_hour(hours: &[u64; 24]) -> Markup {
    let bars: Vec<Bar> = hours
        .iter()
        .enumerate()
        .map(|(hour, calls)| Bar {
            label: (hour % 3 == 0).then(|| format!("{hour:02}:00")),
            title: format!("{hour:02}:00–{hour:02}:59: {}", count_calls(*calls)),
            value: *calls,
        })
        .collect();
    bar_chart("Calls per hour of the day", &bars)
}

/// `1 call`, `2 calls`.
pub fn count_calls(calls: u64) -> String {
    if calls == 1 {
        "1 call".to_string()
    } else {
        format!("{calls} calls")
    }
}

/// Draws `bars` left to right over value lines from zero, or returns
/// [`EMPTY_MESSAGE`] when every value is zero. `name` is the chart's
/// accessible name.
pub fn bar_chart(name: &str, bars: &[Bar]) -> Markup {
    let highest = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    if highest == 0 {
        return html! { p.empty { (EMPTY_MESSAGE) } };
    }
    let (top, step) = scale(highest);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_height;
    let slot = plot_width / bars.len() as f64;
    // A gap of a fifth of the slot between bars, but at least half a unit.
    let gap = (slot * 0.2).max(0.5).min(slot / 2.0);
    let y_of = |value: u64| base - plot_height * value as f64 / top as f64;
    let ticks: Vec<u64> = (0..=top / step).map(|index| index * step).collect();

    html! {
        svg.chart viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="group" aria-label=(name) {
            @for tick in &ticks {
                line x1=(units(LEFT)) x2=(units(WIDTH - RIGHT)) y1=(units(y_of(*tick))) y2=(units(y_of(*tick)))
                    stroke=(GRID_COLOUR) stroke-width="0.5" {}
                text x=(units(LEFT - 4.0)) y=(units(y_of(*tick) + 4.0)) text-anchor="end" font-size=(FONT_SIZE) fill=(AXIS_COLOUR) {
                    (tick)
                }
            }
            @for (index, bar) in bars.iter().enumerate() {
                @let x = LEFT + slot * index as f64;
                g.bar {
                    title { (bar.title) }
                    rect x=(units(x)) y=(units(TOP)) width=(units(slot)) height=(units(plot_height)) fill="transparent" {}
                    @if bar.value > 0 {
                        rect x=(units(x + gap / 2.0)) y=(units(y_of(bar.value))) width=(units(slot - gap))
                            height=(units(base - y_of(bar.value))) fill=(BAR_COLOUR) {}
                    }
                }
                @if let Some(label) = &bar.label {
                    text x=(units(x + slot / 2.0)) y=(units(HEIGHT - 6.0)) text-anchor="middle" font-size=(FONT_SIZE) fill=(AXIS_COLOUR) {
                        (label)
                    }
                }
            }
            line x1=(units(LEFT)) x2=(units(WIDTH - RIGHT)) y1=(units(base)) y2=(units(base)) stroke=(AXIS_COLOUR) stroke-width="1" {}
        }
    }
}

/// Returns the top of the value axis and the step between value lines for a
/// highest value of `highest` (at least 1). The step is the smallest of
/// 1, 2, 5, 10, 20, 50... that needs at most [`MAX_TICKS`] lines.
fn scale(highest: u64) -> (u64, u64) {
    let highest = highest.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = magnitude.saturating_mul(factor);
            let lines = highest.div_ceil(step);
            if lines <= MAX_TICKS || step == u64::MAX {
                return (step.saturating_mul(lines), step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Formats a coordinate with one decimal for an SVG attribute.
fn units(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn scale_rounds_up_to_a_few_lines() {
        assert_eq!(scale(1), (1, 1));
        assert_eq!(scale(4), (4, 1));
        assert_eq!(scale(5), (6, 2));
        assert_eq!(scale(9), (10, 5));
        assert_eq!(scale(37), (40, 10));
        assert_eq!(scale(1_234), (1_500, 500));
        assert_eq!(scale(u64::MAX).0, u64::MAX);
    }

    #[test]
    fn each_bar_has_its_exact_value() {
        let days = [(date!(2026 - 12 - 03), 2), (date!(2026 - 12 - 04), 1)];
        let svg = calls_per_day(&days).into_string();
        assert!(svg.starts_with("<svg class=\"chart\" viewBox=\"0 0 360 180\""), "{svg}");
        assert!(
            svg.contains("<title>Thursday 3 December 2026: 2 calls</title>"),
            "{svg}"
        );
        assert!(svg.contains("<title>Friday 4 December 2026: 1 call</title>"), "{svg}");
        assert!(svg.contains(">Thu 3</text>"), "{svg}");
        assert!(svg.contains(">Fri 4</text>"), "{svg}");
        assert_eq!(svg.matches("<g class=\"bar\">").count(), 2);
        assert_eq!(svg.matches("fill=\"#1f6feb\"").count(), 2);
    }

    #[test]
    fn bar_heights_follow_the_values() {
        let bars: Vec<Bar> = [4, 2, 0]
            .into_iter()
            .map(|value| Bar {
                label: None,
                title: value.to_string(),
                value,
            })
            .collect();
        let svg = bar_chart("test", &bars).into_string();
        // The plot is 150 units high and its top value line is 4: the bar of
        // 4 fills it, the bar of 2 fills half, and the bar of 0 is not drawn.
        assert!(
            svg.contains("y=\"10.0\" width=\"83.7\" height=\"150.0\" fill=\"#1f6feb\""),
            "{svg}"
        );
        assert!(
            svg.contains("y=\"85.0\" width=\"83.7\" height=\"75.0\" fill=\"#1f6feb\""),
            "{svg}"
        );
        assert_eq!(svg.matches("fill=\"#1f6feb\"").count(), 2);
        assert_eq!(svg.matches("<title>").count(), 3);
        for tick in ["0", "1", "2", "3", "4"] {
            assert!(svg.contains(&format!(">{tick}</text>")), "tick {tick}: {svg}");
        }
    }

    #[test]
    fn long_periods_label_every_week() {
        let first = date!(2026 - 11 - 05);
        let days: Vec<(Date, u64)> = (0..30).map(|index| (first + time::Duration::days(index), 1)).collect();
        let svg = calls_per_day(&days).into_string();
        let labels: Vec<&str> = ["4 Dec", "27 Nov", "20 Nov", "13 Nov", "6 Nov"].to_vec();
        for label in &labels {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}: {svg}");
        }
        assert!(!svg.contains(">5 Nov</text>"), "{svg}");
        assert!(!svg.contains(">3 Dec</text>"), "{svg}");
    }

    #[test]
    fn hours_are_labelled_every_three() {
        let mut hours = [0; 24];
        hours[9] = 3;
        let svg = calls_per_hour(&hours).into_string();
        assert!(svg.contains("<title>09:00–09:59: 3 calls</title>"), "{svg}");
        assert!(svg.contains("<title>10:00–10:59: 0 calls</title>"), "{svg}");
        assert!(svg.contains(">09:00</text>"), "{svg}");
        assert!(!svg.contains(">10:00</text>"), "{svg}");
        assert_eq!(svg.matches("<g class=\"bar\">").count(), 24);
    }

    #[test]
    fn empty_chart_is_a_message() {
        let html = calls_per_hour(&[0; 24]).into_string();
        assert_eq!(html, "<p class=\"empty\">No calls in this period.</p>");
    }

    #[test]
    fn titles_are_escaped() {
        let bars = [Bar {
            label: Some("<b>".into()),
            title: "<script>".into(),
            value: 1,
        }];
        let svg = bar_chart("a \"name\"", &bars).into_string();
        assert!(svg.contains("<title>&lt;script&gt;</title>"), "{svg}");
        assert!(svg.contains(">&lt;b&gt;</text>"), "{svg}");
        assert!(svg.contains("aria-label=\"a &quot;name&quot;\""), "{svg}");
    }
}
