//! A standalone HTML report: inline CSS and SVG, one small inline script for the search box,
//! no external resource.

use std::fmt::Write;

use crate::{Band, Report};

/// How many subjects the report lists in full; the rest are counted. Clear subjects without
/// findings are never listed.
pub const MAX_SUBJECTS: usize = 2000;
/// How many clusters are drawn.
pub const MAX_CLUSTERS: usize = 200;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// The standalone page's own rules (the body, headings, the run line); a page that embeds the
/// report keeps its own.
const PAGE_CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d232a;background:#f6f7f9}\nh1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}\n.meta{color:#555;margin-bottom:16px}";

/// The report's components: cards, badges, finding tables, cluster pictures.
const CSS: &str = ".sum span{display:inline-block;margin-right:14px}
.card{background:#fff;border:1px solid #d8dce2;border-radius:6px;padding:12px 16px;margin:10px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff}
.blocked{background:#7a0019}.high{background:#c2410c}.review{background:#a16207}.clear{background:#15803d}
table{border-collapse:collapse;width:100%;margin-top:8px}td,th{border-top:1px solid #e5e7eb;padding:5px 6px;vertical-align:top;text-align:left}
th{font-size:12px;color:#555}table.f{table-layout:fixed}td{overflow-wrap:anywhere}.sig{font-family:ui-monospace,monospace;white-space:nowrap}
.small{font-size:12px;color:#555}svg{background:#fbfbfd;border:1px solid #e5e7eb;border-radius:4px}";

/// The search box's script: hides subject cards whose text does not contain the query. The
/// report works without it (the band filter and the index are plain CSS and links).
pub const SCRIPT: &str = "<script>document.getElementById('q').addEventListener('input',function(e){var q=e.target.value.toLowerCase();document.querySelectorAll('#subjects .card').forEach(function(c){c.classList.toggle('nomatch',q!==''&&c.textContent.toLowerCase().indexOf(q)<0)})})</script>";

/// CSS for the band filter: one radio button per band before the subject list.
const FILTER_CSS: &str = ".nomatch{display:none}.filter label{margin-right:12px;cursor:pointer}.filter input[type=search]{width:320px;padding:4px 8px;margin-left:8px}
#f-blocked:checked~#subjects .card:not(.b-blocked),#f-high:checked~#subjects .card:not(.b-high),#f-review:checked~#subjects .card:not(.b-review),#f-clear:checked~#subjects .card:not(.b-clear){display:none}
nav details{display:inline-block;vertical-align:top;margin-right:18px;max-width:300px}nav ul{margin:4px 0;padding-left:18px;max-height:260px;overflow:auto}.nm{color:#333}";

/// How many subjects per band the index lists.
pub const INDEX_PER_BAND: usize = 200;

/// Renders the report. `title` and `note` are shown at the top (run metadata, key notice).
pub fn render(report: &Report, title: &str, note: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{PAGE_CSS}{CSS}\n{FILTER_CSS}</style></head><body>",
        esc(title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><div class=\"meta\">{}</div>",
        esc(title),
        esc(note)
    );
    h.push_str(&body(report));
    h.push_str(SCRIPT);
    h.push_str("</body></html>");
    h
}

/// The report's components' styles with every selector put under `scope` (`.vet`, say), for a
/// page that embeds [`body`] beside its own styles.
pub fn scoped_css(scope: &str) -> String {
    let mut out = String::new();
    for rule in format!("{CSS}\n{FILTER_CSS}").split('}') {
        let Some((selectors, declarations)) = rule.split_once('{') else {
            continue;
        };
        let selectors: Vec<String> = selectors
            .split(',')
            .map(|s| format!("{scope} {}", s.trim()))
            .collect();
        out.push_str(&selectors.join(","));
        out.push('{');
        out.push_str(declarations);
        out.push('}');
    }
    out
}

/// The report without its page: the counts per band, the index by band, the band filter and
/// search box (the search needs [`SCRIPT`]), a card per subject with findings and a card per
/// drawn cluster. The standalone report shows this.
pub fn body(report: &Report) -> String {
    let p = parts(report);
    [p.overview, p.subjects, p.clusters, p.footnote].concat()
}

/// The sections of [`body`], for a page that shows them in another order (the workbench shows
/// the clusters before the subject cards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The counts per band and the index by band.
    pub overview: String,
    /// The band filter, the search box and a card per subject with findings.
    pub subjects: String,
    /// A card per drawn cluster, with its picture and shared keys.
    pub clusters: String,
    /// What findings are for.
    pub footnote: String,
}

/// The report's sections (see [`body`]).
pub fn parts(report: &Report) -> Parts {
    let names: std::collections::HashMap<&str, &str> = report
        .subjects
        .iter()
        .map(|s| (s.subject_id.as_str(), s.name.as_str()))
        .collect();
    let who = |id: &str| -> String {
        match names.get(id).filter(|n| !n.is_empty()) {
            Some(n) => format!(
                "<a href=\"#s-{0}\">{0}</a> <span class=\"nm\">{1}</span>",
                esc(id),
                esc(n)
            ),
            None => format!("<a href=\"#s-{0}\">{0}</a>", esc(id)),
        }
    };
    let mut h = String::new();
    let count = |b: Band| report.subjects.iter().filter(|s| s.band == b).count();
    let _ = write!(
        h,
        "<div class=\"card sum\"><span><b>{}</b> subjects</span><span class=\"badge blocked\">blocked {}</span> <span class=\"badge high\">high {}</span> <span class=\"badge review\">review {}</span> <span class=\"badge clear\">clear {}</span><span><b>{}</b> clusters</span></div>",
        report.subjects.len(),
        count(Band::Blocked),
        count(Band::High),
        count(Band::Review),
        count(Band::Clear),
        report.clusters.len()
    );
    let mut listed: Vec<&crate::SubjectReport> = report
        .subjects
        .iter()
        .filter(|s| !s.findings.is_empty())
        .collect();
    listed.sort_by(|a, b| {
        b.band
            .cmp(&a.band)
            .then(b.score.total_cmp(&a.score))
            .then(a.subject_id.cmp(&b.subject_id))
    });
    listed.truncate(MAX_SUBJECTS);
    // The index by band: every listed subject with its name, highest band first.
    h.push_str("<h2>Index</h2><nav class=\"card\" aria-label=\"Subjects by band\">");
    for b in [Band::Blocked, Band::High, Band::Review, Band::Clear] {
        let of: Vec<&&crate::SubjectReport> = listed.iter().filter(|s| s.band == b).collect();
        if of.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<details{}><summary><span class=\"badge {b}\">{b}</span> {}</summary><ul>",
            if b >= Band::High { " open" } else { "" },
            of.len(),
            b = b.as_str()
        );
        for s in of.iter().take(INDEX_PER_BAND) {
            let _ = write!(
                h,
                "<li>{} <span class=\"small\">{}</span></li>",
                who(&s.subject_id),
                s.score
            );
        }
        if of.len() > INDEX_PER_BAND {
            let _ = write!(
                h,
                "<li class=\"small\">and {} more</li>",
                of.len() - INDEX_PER_BAND
            );
        }
        h.push_str("</ul></details>");
    }
    h.push_str("</nav>");
    let subjects_at = h.len();
    let _ = write!(h, "<h2>Subjects with findings</h2>");
    h.push_str("<input type=\"radio\" name=\"f\" id=\"f-all\" checked hidden><input type=\"radio\" name=\"f\" id=\"f-blocked\" hidden><input type=\"radio\" name=\"f\" id=\"f-high\" hidden><input type=\"radio\" name=\"f\" id=\"f-review\" hidden><input type=\"radio\" name=\"f\" id=\"f-clear\" hidden>");
    h.push_str("<div class=\"card filter\">Show: <label for=\"f-all\">all</label><label for=\"f-blocked\"><span class=\"badge blocked\">blocked</span></label><label for=\"f-high\"><span class=\"badge high\">high</span></label><label for=\"f-review\"><span class=\"badge review\">review</span></label><label for=\"f-clear\"><span class=\"badge clear\">clear</span></label> <input type=\"search\" id=\"q\" aria-label=\"Search subjects\" placeholder=\"search id, name, signal or text\"></div>");
    let total = report
        .subjects
        .iter()
        .filter(|s| !s.findings.is_empty())
        .count();
    if total > MAX_SUBJECTS {
        let _ = write!(
            h,
            "<p class=\"small\">Showing the first {MAX_SUBJECTS} of {total}; the JSON-lines report has all.</p>"
        );
    }
    h.push_str("<div id=\"subjects\">");
    for s in &listed {
        let b = s.band.as_str();
        let _ = write!(
            h,
            "<div class=\"card b-{b}\" id=\"s-{id}\"><b>{id}</b> <span class=\"nm\">{name}</span> <span class=\"badge {b}\">{b}</span> {}{} <div class=\"small\">{}</div><table class=\"f\"><colgroup><col style=\"width:6%\"><col style=\"width:6%\"><col style=\"width:32%\"><col style=\"width:26%\"><col style=\"width:15%\"><col style=\"width:15%\"></colgroup><tr><th>signal</th><th>weight</th><th>observed</th><th>why it matters</th><th>rule out</th><th>verify</th></tr>",
            if s.band == Band::Blocked {
                "sanctions hit (blocks regardless of score)".to_string()
            } else {
                format!(
                    "score <b>{}</b> from {} categor{}",
                    s.score,
                    s.categories,
                    if s.categories == 1 { "y" } else { "ies" }
                )
            },
            s.cluster
                .as_ref()
                .map(|c| format!(" · cluster <a href=\"#{0}\">{0}</a>", esc(c)))
                .unwrap_or_default(),
            esc(s.action),
            id = esc(&s.subject_id),
            name = esc(&s.name),
        );
        // Repeated rows (the same signal and observation) are collapsed into one with a count.
        let mut rows: Vec<(&crate::Finding, usize)> = Vec::new();
        for f in &s.findings {
            match rows.iter_mut().find(|(g, _)| {
                g.signal == f.signal && g.observed == f.observed && g.weight == f.weight
            }) {
                Some(r) => r.1 += 1,
                None => rows.push((f, 1)),
            }
        }
        for (f, times) in rows {
            let mut observed = esc(&f.observed);
            if times > 1 {
                let _ = write!(observed, " <b>(×{times})</b>");
            }
            if let Some(e) = &f.list_entry {
                let _ = write!(
                    observed,
                    "<br><span class=\"small\">list entry <b>{}</b> {} · {}</span>",
                    esc(&e.entity_id),
                    esc(&e.name),
                    esc(&e.shown_list())
                );
            }
            if !f.linked_subjects.is_empty() {
                let links: Vec<String> = f.linked_subjects.iter().map(|l| who(l)).collect();
                let _ = write!(
                    observed,
                    "<br><span class=\"small\">linked: {}</span>",
                    links.join(", ")
                );
            }
            let weight = if f.blocking {
                "block".to_string()
            } else {
                format!("{}", f.weight)
            };
            let _ = write!(
                h,
                "<tr><td class=\"sig\">{}</td><td>{weight}</td><td>{observed}</td><td>{} <span class=\"small\">[{}]</span></td><td class=\"small\">{}</td><td class=\"small\">{}</td></tr>",
                f.signal,
                esc(f.why),
                f.sources.join(", "),
                esc(&f.benign.join("; ")),
                esc(f.verify)
            );
        }
        h.push_str("</table></div>");
    }
    h.push_str("</div>");
    let clusters_at = h.len();
    let _ = write!(h, "<h2>Clusters</h2>");
    // Clusters held together only by households, offices and agencies are benign by
    // construction: counted, not drawn.
    let (benign, drawn): (Vec<&crate::Cluster>, Vec<&crate::Cluster>) = report
        .clusters
        .iter()
        .partition(|c| c.edges.iter().all(|e| e.benign));
    if !benign.is_empty() {
        let _ = write!(
            h,
            "<p class=\"small\">{} cluster(s) linked only by a shared home, joint account, office or agency account are not drawn.</p>",
            benign.len()
        );
    }
    for c in drawn.into_iter().take(MAX_CLUSTERS) {
        let _ = write!(
            h,
            "<div class=\"card\" id=\"{id}\"><b>{id}</b>: {} subjects, {} distinct names<br>",
            c.subjects.len(),
            c.distinct_names,
            id = esc(&c.cluster_id)
        );
        h.push_str(&cluster_svg(c));
        h.push_str("<table><tr><th>subject</th><th>subject</th><th>shared</th><th>value</th></tr>");
        // One row per pair and key kind; further values of the same kind are counted.
        let mut rows: Vec<(&crate::link::Edge, usize)> = Vec::new();
        for e in &c.edges {
            match rows
                .iter_mut()
                .find(|(g, _)| g.a == e.a && g.b == e.b && g.kind == e.kind)
            {
                Some(r) => r.1 += 1,
                None => rows.push((e, 1)),
            }
        }
        for (e, times) in rows {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
                who(&e.a),
                who(&e.b),
                e.kind.label(),
                esc(&e.key),
                if times > 1 {
                    format!(" and {} more", times - 1)
                } else {
                    String::new()
                }
            );
        }
        h.push_str("</table></div>");
    }
    let footnote_at = h.len();
    h.push_str("<p class=\"small\">Findings support review and verification, never rejection on their own. Only sanctions hits block. Research leads are allegations, not designations.</p>");
    let footnote = h.split_off(footnote_at);
    let clusters = h.split_off(clusters_at);
    let subjects = h.split_off(subjects_at);
    Parts {
        overview: h,
        subjects,
        clusters,
        footnote,
    }
}

/// The colour of a kind of shared key in the cluster pictures.
pub fn key_colour(kind: crate::link::KeyKind) -> &'static str {
    use crate::link::KeyKind::*;
    match kind {
        GovernmentId | Face => "#7a0019",
        BankAccount | PayoutAddress => "#1d4ed8",
        ShippingAddress => "#c2410c",
        DeviceSerial => "#6d28d9",
        Phone | Email => "#0f766e",
        LoginIp => "#a16207",
        GithubHandle | CommitEmail | Resume => "#475569",
    }
}

/// The cluster as a circle of subjects with one coloured line per shared key (the colours of
/// [`key_colour`]), a legend of the key kinds on the right.
pub fn cluster_svg(c: &crate::Cluster) -> String {
    let n = c.subjects.len().min(40);
    let (w, hgt) = (560.0, 320.0);
    let (cx, cy, r) = (w / 2.0 - 60.0, hgt / 2.0, 120.0);
    let pos = |i: usize| {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + r * a.cos(), cy + r * a.sin())
    };
    let idx = |s: &str| c.subjects.iter().take(n).position(|x| x == s);
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{hgt}\" viewBox=\"0 0 {w} {hgt}\">"
    );
    let mut kinds: Vec<crate::link::KeyKind> = Vec::new();
    // Several keys between the same pair are drawn side by side, offset perpendicular to the
    // pair's line, so that every shared key stays visible.
    let mut seen_pairs: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    for e in &c.edges {
        if let (Some(a), Some(b)) = (idx(&e.a), idx(&e.b)) {
            let k = seen_pairs.entry((a.min(b), a.max(b))).or_default();
            let off = [0.0, 4.0, -4.0, 8.0, -8.0, 12.0][(*k).min(5)];
            *k += 1;
            let ((x1, y1), (x2, y2)) = (pos(a), pos(b));
            let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
            let (nx, ny) = (-(y2 - y1) / len * off, (x2 - x1) / len * off);
            let (x1, y1, x2, y2) = (x1 + nx, y1 + ny, x2 + nx, y2 + ny);
            let _ = write!(
                o,
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{}\" stroke-width=\"3\" opacity=\"0.85\"><title>{}: {}</title></line>",
                key_colour(e.kind),
                e.kind.label(),
                esc(&e.key)
            );
            if !kinds.contains(&e.kind) {
                kinds.push(e.kind);
            }
        }
    }
    for i in 0..c.subjects.len().min(n) {
        let (x, y) = pos(i);
        let _ = write!(
            o,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"14\" fill=\"#fff\" stroke=\"#1d232a\" stroke-width=\"1.5\"/>"
        );
    }
    // Labels go outside the circle, away from the centre, after every line and node, with a
    // halo, so that no edge runs through them.
    for (i, s) in c.subjects.iter().take(n).enumerate() {
        let (x, y) = pos(i);
        let (dx, dy) = ((x - cx) / r, (y - cy) / r);
        let anchor = if dx > 0.3 {
            "start"
        } else if dx < -0.3 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"{anchor}\" paint-order=\"stroke\" stroke=\"#fbfbfd\" stroke-width=\"4\">{}</text>",
            x + dx * 20.0,
            y + dy * 24.0 + 4.0,
            esc(s)
        );
    }
    kinds.sort();
    for (i, k) in kinds.iter().enumerate() {
        let y = 20.0 + 18.0 * i as f64;
        let _ = write!(
            o,
            "<line x1=\"{0}\" y1=\"{y}\" x2=\"{1}\" y2=\"{y}\" stroke=\"{2}\" stroke-width=\"3\"/><text x=\"{3}\" y=\"{4}\" font-size=\"11\">{5}</text>",
            w - 140.0,
            w - 115.0,
            key_colour(*k),
            w - 110.0,
            y + 4.0,
            k.label()
        );
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_styles_put_every_selector_under_the_scope_and_leave_the_page_alone() {
        let css = scoped_css(".vet");
        assert!(css.starts_with(".vet .sum span{display:inline-block;margin-right:14px}"));
        assert!(css.contains(".vet td,.vet th{border-top:1px solid #e5e7eb;"));
        assert!(css.contains(".vet #f-blocked:checked~#subjects .card:not(.b-blocked),.vet #f-high:checked~#subjects .card:not(.b-high)"));
        assert!(!css.contains("body{") && !css.contains("h1{"));
        // Every rule is scoped: no selector starts outside it.
        for rule in css.split('}').filter(|r| !r.is_empty()) {
            let selectors = rule.split('{').next().unwrap_or("");
            assert!(
                selectors.split(',').all(|s| s.starts_with(".vet ")),
                "{rule}"
            );
        }
    }
}
