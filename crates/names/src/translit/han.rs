//! Han ideographs: Mandarin pinyin, and Korean readings of Hanja names.
//!
//! Pinyin comes from `any_ascii`, one syllable per character, without tones. A Chinese-character
//! name of a Korean (金雄善 for Kim Ung Son) needs the Korean reading instead, so characters that
//! are common in Korean family and given names map to their Hangul reading here, and the Hangul
//! romaniser takes it from there. The table is small on purpose: it covers the family names of
//! most Koreans and the given-name characters frequent on DPRK designations; a name with a
//! character outside it gets no Korean reading rather than a wrong one.

/// Hanja → Hangul readings of characters common in Korean names (traditional and simplified
/// forms where they differ).
const READINGS: &[(char, char)] = &[
    // Family names.
    ('金', '김'),
    ('李', '리'),
    ('朴', '박'),
    ('崔', '최'),
    ('鄭', '정'),
    ('郑', '정'),
    ('趙', '조'),
    ('赵', '조'),
    ('姜', '강'),
    ('張', '장'),
    ('张', '장'),
    ('尹', '윤'),
    ('林', '림'),
    ('韓', '한'),
    ('韩', '한'),
    ('吳', '오'),
    ('吴', '오'),
    ('申', '신'),
    ('徐', '서'),
    ('權', '권'),
    ('权', '권'),
    ('黃', '황'),
    ('黄', '황'),
    ('安', '안'),
    ('宋', '송'),
    ('柳', '류'),
    ('劉', '류'),
    ('刘', '류'),
    ('洪', '홍'),
    ('全', '전'),
    ('田', '전'),
    ('高', '고'),
    ('文', '문'),
    ('孫', '손'),
    ('孙', '손'),
    ('梁', '량'),
    ('裵', '배'),
    ('白', '백'),
    ('許', '허'),
    ('许', '허'),
    ('南', '남'),
    ('沈', '심'),
    ('盧', '로'),
    ('卢', '로'),
    ('河', '하'),
    ('郭', '곽'),
    ('成', '성'),
    ('車', '차'),
    ('车', '차'),
    ('朱', '주'),
    ('禹', '우'),
    ('具', '구'),
    ('任', '임'),
    ('羅', '라'),
    ('罗', '라'),
    ('辛', '신'),
    ('閔', '민'),
    ('闵', '민'),
    ('玄', '현'),
    ('方', '방'),
    ('池', '지'),
    ('太', '태'),
    ('桂', '계'),
    ('咸', '함'),
    ('廉', '렴'),
    ('房', '방'),
    ('千', '천'),
    ('秦', '진'),
    ('嚴', '엄'),
    ('严', '엄'),
    ('元', '원'),
    ('蔡', '채'),
    ('康', '강'),
    ('陸', '륙'),
    ('卓', '탁'),
    ('馬', '마'),
    ('马', '마'),
    ('延', '연'),
    ('周', '주'),
    ('明', '명'),
    ('石', '석'),
    ('片', '편'),
    ('龍', '룡'),
    ('龙', '룡'),
    // Given-name characters.
    ('正', '정'),
    ('日', '일'),
    ('一', '일'),
    ('恩', '은'),
    ('銀', '은'),
    ('银', '은'),
    ('哲', '철'),
    ('喆', '철'),
    ('澈', '철'),
    ('鐵', '철'),
    ('铁', '철'),
    ('男', '남'),
    ('英', '영'),
    ('永', '영'),
    ('榮', '영'),
    ('荣', '영'),
    ('泳', '영'),
    ('勇', '용'),
    ('容', '용'),
    ('用', '용'),
    ('浩', '호'),
    ('鎬', '호'),
    ('虎', '호'),
    ('昊', '호'),
    ('好', '호'),
    ('光', '광'),
    ('廣', '광'),
    ('广', '광'),
    ('俊', '준'),
    ('準', '준'),
    ('准', '준'),
    ('峻', '준'),
    ('秀', '수'),
    ('洙', '수'),
    ('守', '수'),
    ('壽', '수'),
    ('寿', '수'),
    ('賢', '현'),
    ('贤', '현'),
    ('鉉', '현'),
    ('顯', '현'),
    ('植', '식'),
    ('錫', '석'),
    ('锡', '석'),
    ('源', '원'),
    ('遠', '원'),
    ('雄', '웅'),
    ('善', '선'),
    ('仙', '선'),
    ('宣', '선'),
    ('國', '국'),
    ('国', '국'),
    ('東', '동'),
    ('东', '동'),
    ('春', '춘'),
    ('赫', '혁'),
    ('革', '혁'),
    ('學', '학'),
    ('学', '학'),
    ('泰', '태'),
    ('吉', '길'),
    ('基', '기'),
    ('起', '기'),
    ('在', '재'),
    ('載', '재'),
    ('载', '재'),
    ('哉', '재'),
    ('仁', '인'),
    ('寅', '인'),
    ('鍾', '종'),
    ('钟', '종'),
    ('鐘', '종'),
    ('宗', '종'),
    ('淑', '숙'),
    ('順', '순'),
    ('顺', '순'),
    ('姬', '희'),
    ('姫', '희'),
    ('喜', '희'),
    ('熙', '희'),
    ('希', '희'),
    ('子', '자'),
    ('玉', '옥'),
    ('珍', '진'),
    ('眞', '진'),
    ('真', '진'),
    ('鎭', '진'),
    ('镇', '진'),
    ('振', '진'),
    ('進', '진'),
    ('进', '진'),
    ('敏', '민'),
    ('民', '민'),
    ('萬', '만'),
    ('万', '만'),
    ('滿', '만'),
    ('满', '만'),
    ('相', '상'),
    ('尙', '상'),
    ('尚', '상'),
    ('祥', '상'),
    ('昌', '창'),
    ('彰', '창'),
    ('世', '세'),
    ('燮', '섭'),
    ('星', '성'),
    ('聖', '성'),
    ('圣', '성'),
    ('承', '승'),
    ('昇', '승'),
    ('勝', '승'),
    ('胜', '승'),
    ('信', '신'),
    ('新', '신'),
    ('實', '실'),
    ('实', '실'),
    ('愛', '애'),
    ('爱', '애'),
    ('良', '량'),
    ('陽', '양'),
    ('阳', '양'),
    ('漢', '한'),
    ('汉', '한'),
    ('海', '해'),
    ('亨', '형'),
    ('炯', '형'),
    ('衡', '형'),
    ('惠', '혜'),
    ('慧', '혜'),
    ('和', '화'),
    ('華', '화'),
    ('华', '화'),
    ('花', '화'),
    ('煥', '환'),
    ('焕', '환'),
    ('孝', '효'),
    ('勳', '훈'),
    ('勋', '훈'),
    ('薰', '훈'),
    ('輝', '휘'),
    ('辉', '휘'),
    ('德', '덕'),
    ('道', '도'),
    ('斗', '두'),
    ('烈', '렬'),
    ('禮', '례'),
    ('礼', '례'),
    ('大', '대'),
    ('根', '근'),
    ('錦', '금'),
    ('锦', '금'),
    ('今', '금'),
    ('奎', '규'),
    ('圭', '규'),
    ('均', '균'),
    ('克', '극'),
    ('寧', '녕'),
    ('宁', '녕'),
    ('武', '무'),
    ('茂', '무'),
    ('範', '범'),
    ('范', '범'),
    ('炳', '병'),
    ('秉', '병'),
    ('柄', '병'),
    ('兵', '병'),
    ('福', '복'),
    ('奉', '봉'),
    ('鳳', '봉'),
    ('凤', '봉'),
    ('富', '부'),
    ('敬', '경'),
    ('慶', '경'),
    ('庆', '경'),
    ('京', '경'),
    ('景', '경'),
    ('卿', '경'),
    ('天', '천'),
    ('忠', '충'),
    ('致', '치'),
    ('澤', '택'),
    ('泽', '택'),
    ('平', '평'),
    ('弼', '필'),
    ('夏', '하'),
    ('鶴', '학'),
    ('鹤', '학'),
    ('恒', '항'),
    ('峴', '현'),
    ('允', '윤'),
    ('潤', '윤'),
    ('润', '윤'),
    ('義', '의'),
    ('义', '의'),
    ('長', '장'),
    ('长', '장'),
    ('章', '장'),
    ('貞', '정'),
    ('贞', '정'),
    ('政', '정'),
    ('廷', '정'),
    ('重', '중'),
    ('中', '중'),
    ('智', '지'),
    ('志', '지'),
    ('燦', '찬'),
    ('灿', '찬'),
    ('松', '송'),
    ('雪', '설'),
    ('蓮', '련'),
    ('莲', '련'),
    ('淳', '순'),
    ('洛', '락'),
    ('樂', '락'),
    ('乐', '락'),
    ('鎔', '용'),
    ('熔', '용'),
    ('敦', '돈'),
    ('泉', '천'),
    ('雲', '운'),
    ('云', '운'),
    ('運', '운'),
    ('运', '운'),
    ('官', '관'),
    ('寬', '관'),
    ('宽', '관'),
    ('求', '구'),
    ('九', '구'),
    ('龜', '구'),
    ('建', '건'),
    ('乾', '건'),
    ('健', '건'),
    ('傑', '걸'),
    ('杰', '걸'),
    ('模', '모'),
    ('默', '묵'),
    ('彬', '빈'),
    ('斌', '빈'),
    ('三', '삼'),
    ('參', '삼'),
    ('瑞', '서'),
    ('碩', '석'),
    ('硕', '석'),
];

/// The Korean reading of a Han character, when it is in the table.
pub(crate) fn korean_reading(c: char) -> Option<char> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<char, char>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for (h, k) in READINGS {
            m.entry(*h).or_insert(*k);
        }
        m
    })
    .get(&c)
    .copied()
}

/// Whether `c` is a Korean family-name character of the table (the first block).
pub(crate) fn is_korean_family_char(c: char) -> bool {
    korean_reading(c).is_some_and(|k| {
        let mut buf = [0u8; 4];
        super::hangul::is_known_surname(k.encode_utf8(&mut buf))
    })
}

/// The Korean reading of a whole Hanja string, or `None` when a character is not in the table.
pub(crate) fn to_hangul(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() {
            out.push(' ');
        } else {
            out.push(korean_reading(c)?);
        }
    }
    Some(out)
}

/// The pinyin of one character, lowercased, or the character itself when it is not Han.
pub(crate) fn pinyin(c: char, out: &mut String) {
    for a in any_ascii::any_ascii_char(c).chars() {
        out.push(a.to_ascii_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_korean_names() {
        check("金雄善", Some("김웅선"));
        check("金正恩", Some("김정은"));
        check("李炳哲", Some("리병철"));
        check("毛泽东", None);
    }

    #[test]
    fn gives_pinyin() {
        let mut s = String::new();
        for c in "金雄善".chars() {
            pinyin(c, &mut s);
            s.push(' ');
        }
        assert_eq!(s.trim_end(), "jin xiong shan");
    }

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(to_hangul(input).as_deref(), expected, "{input}");
    }
}
