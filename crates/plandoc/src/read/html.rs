//! Government web pages: keep the article, drop menus, breadcrumbs, share bars and footers.
//!
//! The article is found the way readability tools do it, in a simple form: page furniture
//! is recognized by tag (nav, header, footer, script …) or by class/id words (menu, crumb,
//! share …) and ignored; then, starting at `<body>`, we step into the child that holds
//! most of the remaining Chinese text for as long as one child holds nearly all of it.

use ego_tree::NodeRef;
use scraper::{Html, Node};

const SKIPPED_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
    "select", "svg", "template", "head",
];

/// Words in a class or id that mark page furniture on Chinese government sites.
const FURNITURE_WORDS: &[&str] = &[
    "nav",
    "menu",
    "crumb",
    "share",
    "footer",
    "foot",
    "header",
    "top",
    "sidebar",
    "side",
    "banner",
    "login",
    "search",
    "copyright",
    "weizhi",
    "position",
    "location",
    "fenxiang",
    "dayin",
    "print",
    "related",
    "xgwz",
    "bottom",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "table",
    "tbody",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "main",
    "center",
    "hr",
];

/// The article text of a page, one block element a line.
pub fn article_text(source: &str) -> String {
    let document = Html::parse_document(source);
    let root = document.tree.root();
    let body = find_element(root, "body").unwrap_or(root);
    let mut node = body;
    loop {
        let total = cjk_weight(node);
        let best = node
            .children()
            .map(|child| (cjk_weight(child), child))
            .max_by_key(|(weight, _)| *weight);
        match best {
            Some((weight, child)) if total > 0 && weight * 10 >= total * 9 => node = child,
            _ => break,
        }
    }
    let mut out = String::new();
    // The page's headline often sits beside the article's body, not in it: keep it above.
    let headline = ["h1", "h2"].iter().find_map(|tag| {
        body.descendants().find(|n| {
            matches!(n.value(), Node::Element(e) if e.name() == *tag) && !is_furniture(*n)
        })
    });
    if let Some(headline) = headline
        && !node.descendants().any(|n| n.id() == headline.id())
    {
        render(headline, &mut out);
        newline(&mut out);
    }
    render(node, &mut out);
    out
}

fn find_element<'a>(node: NodeRef<'a, Node>, tag: &str) -> Option<NodeRef<'a, Node>> {
    node.descendants()
        .find(|n| matches!(n.value(), Node::Element(e) if e.name() == tag))
}

fn is_furniture(node: NodeRef<'_, Node>) -> bool {
    let Node::Element(element) = node.value() else {
        return matches!(
            node.value(),
            Node::Comment(_) | Node::ProcessingInstruction(_)
        );
    };
    if SKIPPED_TAGS.contains(&element.name()) {
        return true;
    }
    let marks = element
        .attr("class")
        .into_iter()
        .chain(element.attr("id"))
        .flat_map(|v| v.split(|c: char| c.is_whitespace() || c == '-' || c == '_'))
        .map(|w| w.to_ascii_lowercase());
    for word in marks {
        if FURNITURE_WORDS.contains(&word.as_str()) {
            return true;
        }
    }
    false
}

/// Count of CJK characters in the text under `node`, furniture excluded.
fn cjk_weight(node: NodeRef<'_, Node>) -> usize {
    if is_furniture(node) {
        return 0;
    }
    match node.value() {
        Node::Text(text) => text.chars().filter(|c| crate::chars::is_cjk(*c)).count(),
        _ => node.children().map(cjk_weight).sum(),
    }
}

fn render(node: NodeRef<'_, Node>, out: &mut String) {
    if is_furniture(node) {
        return;
    }
    match node.value() {
        Node::Text(text) => {
            let mut last_space = out.ends_with([' ', '\n']) || out.is_empty();
            for c in text.chars() {
                if c.is_whitespace() && c != '\u{3000}' {
                    if !last_space {
                        out.push(' ');
                        last_space = true;
                    }
                } else {
                    out.push(c);
                    last_space = false;
                }
            }
        }
        Node::Element(element) => {
            let name = element.name();
            let block = BLOCK_TAGS.contains(&name);
            if block {
                newline(out);
            }
            if name == "td" || name == "th" {
                out.push('\t');
            }
            for child in node.children() {
                render(child, out);
            }
            if block {
                newline(out);
            }
        }
        _ => {
            for child in node.children() {
                render(child, out);
            }
        }
    }
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_article_and_drops_furniture() {
        let page = r#"<html><head><title>通知_某市教育局</title><script>var a = "一二三";</script></head>
<body><div class="top">首页 | 信息公开 | 政务服务</div>
<div id="nav-main"><ul><li>机构概况</li><li>政策文件</li></ul></div>
<div class="crumb">当前位置：首页 &gt; 政策文件</div>
<div class="content"><p>某市教育局2024年工作要点</p><p>一、加强党的建设</p>
<p>1.强化理论学习。深入学习贯彻党的二十大精神。<br>责任单位：办公室</p></div>
<div class="share">分享到：微信 微博</div><div class="footer">主办单位：某市教育局</div></body></html>"#;
        let text = article_text(page);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            vec![
                "某市教育局2024年工作要点",
                "一、加强党的建设",
                "1.强化理论学习。深入学习贯彻党的二十大精神。",
                "责任单位：办公室",
            ]
        );
    }

    #[test]
    fn table_cells_are_tab_separated() {
        let page = "<body><table><tr><td>序号</td><td>工作任务</td><td>责任单位</td></tr>\
                    <tr><td>1</td><td>新建幼儿园5所</td><td>基教科</td></tr></table></body>";
        let text = article_text(page);
        assert!(text.contains("\t1\t新建幼儿园5所\t基教科"), "{text:?}");
    }
}
