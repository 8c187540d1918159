//! A profile's rules in readable words, for `preflight profile ID` and the app.

use crate::Lang;
use crate::check::fmt_duration;
use crate::profile::{Profile, SizeUnit};

/// Every rule with the notice's own words beside it.
pub fn profile_text(p: &Profile, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let mut line = |k: &str, v: String, q: &str| {
        s.push_str(&format!("  {k:<12} {v}"));
        if !q.is_empty() {
            s.push_str(&format!("  「{q}」"));
        }
        s.push('\n');
    };
    let title = if zh { &p.name } else { &p.name_en };
    let mut head = format!("{} — {}\n{}，{}\n", p.id, title, p.issuer, p.notice);
    if let Some(d) = &p.deadline {
        head.push_str(&format!(
            "{} {}  「{}」\n",
            if zh { "截止" } else { "Deadline" },
            d.date,
            d.quote
        ));
    }
    let v = &p.video;
    if let Some(r) = &v.container {
        line(
            if zh { "格式" } else { "container" },
            r.value.join("/").to_uppercase(),
            &r.quote,
        );
    }
    if let Some(r) = &v.duration {
        let d = match (r.value.min_s, r.value.max_s) {
            (Some(a), Some(b)) => format!("{}–{}", fmt_duration(a), fmt_duration(b)),
            (None, Some(b)) => format!("≤ {}", fmt_duration(b)),
            (Some(a), None) => format!("≥ {}", fmt_duration(a)),
            _ => "—".into(),
        };
        line(if zh { "时长" } else { "duration" }, d, &r.quote);
    }
    if let Some(r) = &v.resolution {
        line(
            if zh { "分辨率" } else { "resolution" },
            format!("≥ {}×{}", r.value.long_edge, r.value.short_edge),
            &r.quote,
        );
    }
    if let Some(r) = &v.orientation {
        line(
            if zh { "方向" } else { "orientation" },
            format!("{:?}", r.value).to_lowercase(),
            &r.quote,
        );
    }
    if let Some(r) = &v.aspect_ratio {
        line(
            if zh { "宽高比" } else { "aspect" },
            format!("{}:{}", r.value.num, r.value.den),
            &r.quote,
        );
    }
    if let Some(r) = &v.file_size {
        let u = match r.value.unit {
            SizeUnit::M => "M",
            SizeUnit::G => "G",
        };
        let a = r.value.min.map(|x| x.to_string()).unwrap_or_default();
        let b = r.value.max.map(|x| x.to_string()).unwrap_or_default();
        line(
            if zh { "大小" } else { "size" },
            format!("{a}–{b} {u}"),
            &r.quote,
        );
    }
    if let Some(r) = &v.bitrate {
        line(
            if zh { "码率" } else { "bitrate" },
            format!("≥ {} Mbps", r.value.min_bps / 1_000_000),
            &r.quote,
        );
    }
    if let Some(r) = &v.audio {
        line(
            if zh { "音轨" } else { "audio" },
            r.value.to_string(),
            &r.quote,
        );
    }
    if let Some(r) = &v.production_date {
        line(
            if zh { "制作时间" } else { "made" },
            format!("{} – {}", r.value.from, r.value.to),
            &r.quote,
        );
    }
    let mut out = head;
    out.push_str(if zh {
        "视频要求：\n"
    } else {
        "Video rules:\n"
    });
    out.push_str(&s);
    if !p.categories.is_empty() {
        out.push_str(if zh { "类别：" } else { "Categories: " });
        out.push_str(
            &p.categories
                .iter()
                .map(|c| format!("{} ({})", if zh { &c.label } else { &c.label_en }, c.id))
                .collect::<Vec<_>>()
                .join("；"),
        );
        out.push('\n');
    }
    if !p.channels.is_empty() {
        out.push_str(if zh { "渠道：" } else { "Channels: " });
        out.push_str(
            &p.channels
                .iter()
                .map(|c| format!("{} ({})", if zh { &c.label } else { &c.label_en }, c.id))
                .collect::<Vec<_>>()
                .join("；"),
        );
        out.push('\n');
    }
    out.push_str(if zh { "表格：\n" } else { "Form:\n" });
    for f in &p.fields {
        let lim = f.max_chars.map(|m| format!(" ≤{m}字")).unwrap_or_default();
        out.push_str(&format!(
            "  {}{} [{}]{lim}\n",
            if zh { &f.label } else { &f.label_en },
            if f.required { " *" } else { "" },
            f.id
        ));
    }
    if !p.attachments.is_empty() {
        out.push_str(if zh { "附件：\n" } else { "Attachments:\n" });
        for a in &p.attachments {
            out.push_str(&format!(
                "  {}{} [{}] — {}\n",
                if zh { &a.label } else { &a.label_en },
                if a.required { " *" } else { "" },
                a.id,
                if zh { &a.signatures } else { &a.signatures_en }
            ));
        }
    }
    out.push_str(if zh {
        "人工确认：\n"
    } else {
        "Checklist:\n"
    });
    for c in &p.checklist {
        out.push_str(&format!("  □ {}\n", if zh { &c.text } else { &c.text_en }));
    }
    out
}
