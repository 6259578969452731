// Romanised name lists for countries whose Faker locale writes names in a non-Latin script.
// Profiles on the professional network are overwhelmingly written in Latin script, and
// shorthand names (URL slugs) must be [a-z0-9-], so these stand in for ja/zh/ko/ar/he.

export interface NameList {
  first: readonly string[];
  last: readonly string[];
}

export const FALLBACK_NAMES: Readonly<Record<string, NameList>> = {
  japanese: {
    first: [
      'Haruto', 'Yuto', 'Sota', 'Ren', 'Kaito', 'Takumi', 'Daiki', 'Kenji', 'Hiroshi', 'Takeshi', 'Satoshi', 'Kazuki',
      'Yui', 'Aoi', 'Hina', 'Sakura', 'Yuna', 'Mio', 'Rin', 'Emi', 'Ayaka', 'Naomi', 'Keiko', 'Yuki', 'Mai', 'Haruka',
    ],
    last: [
      'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato',
      'Yoshida', 'Yamada', 'Sasaki', 'Yamaguchi', 'Matsumoto', 'Inoue', 'Kimura', 'Hayashi', 'Shimizu', 'Mori',
    ],
  },
  chinese: {
    first: [
      'Wei', 'Jing', 'Li', 'Min', 'Yan', 'Hui', 'Lei', 'Jun', 'Hao', 'Xin', 'Yu', 'Ming', 'Ling', 'Tao', 'Fang',
      'Qiang', 'Xiaoming', 'Yiting', 'Zihan', 'Haoran', 'Yuxuan', 'Jiayi', 'Chen', 'Kai', 'Rui', 'Mei',
    ],
    last: [
      'Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu',
      'Guo', 'He', 'Lin', 'Gao', 'Luo', 'Zheng', 'Liang',
    ],
  },
  korean: {
    first: [
      'Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Do-yun', 'Ji-woo', 'Seo-jun', 'Su-bin', 'Hyun-woo', 'Ji-min',
      'Joon-young', 'Eun-ji', 'Sung-min', 'Yoo-jin', 'Dong-hyun', 'Hye-jin', 'Jae-won', 'So-yeon',
    ],
    last: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim', 'Han', 'Oh', 'Seo', 'Shin', 'Kwon'],
  },
  arabic: {
    first: [
      'Mohamed', 'Ahmed', 'Omar', 'Ali', 'Youssef', 'Khaled', 'Hassan', 'Ibrahim', 'Mahmoud', 'Tarek', 'Karim',
      'Fatima', 'Aisha', 'Mariam', 'Nour', 'Layla', 'Sara', 'Hana', 'Yasmin', 'Rania', 'Salma', 'Dina', 'Amira',
    ],
    last: [
      'Hassan', 'Ali', 'Ibrahim', 'Mahmoud', 'Mostafa', 'Abdelrahman', 'El-Sayed', 'Al-Farsi', 'Al-Harbi',
      'Al-Otaibi', 'Al-Qahtani', 'Mansour', 'Khalil', 'Haddad', 'Nasser', 'Saleh', 'Aziz', 'Farouk', 'Hamdan',
    ],
  },
  hebrew: {
    first: [
      'Noam', 'Yonatan', 'Itai', 'Omer', 'Daniel', 'Eitan', 'Ariel', 'Amit', 'Yael', 'Noa', 'Tamar', 'Shira',
      'Maya', 'Michal', 'Adi', 'Liron', 'Roni', 'Gal',
    ],
    last: [
      'Cohen', 'Levi', 'Mizrahi', 'Peretz', 'Biton', 'Dahan', 'Avraham', 'Friedman', 'Azoulay', 'Katz', 'Shapiro',
      'Ben-David', 'Goldberg', 'Rosenberg', 'Halevi', 'Ashkenazi',
    ],
  },
};
