//! Character classes the readers and the extractor share.

/// Han ideographs (CJK Unified, extension A, compatibility) and the 〇 numeral.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '〇')
}

/// Full-width punctuation used in Chinese text (、，。：；《》“”（）〔〕【】 …).
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Characters next to which a space carries no meaning in Chinese text.
pub fn is_cjk_like(c: char) -> bool {
    is_cjk(c) || is_cjk_punct(c)
}

/// Punctuation that ends a sentence, so a line ending with it is not wrapped mid-sentence.
pub fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '：' | '!' | '?' | ';' | ':' | '”' | '」' | '』'
    )
}
