// Static vocabularies shared by the generator: industries, management levels, languages and the
// small lists used for the less important profile sections. Keeping them as data (not code) makes
// the generated values easy to audit against what the real datasets contain.

export interface Industry {
  /** Clean dataset (current professional-network) industry name. */
  name: string;
  /** Legacy industry label used by the v1 `industry` field. */
  v1Name: string;
  weight: number;
  /** Words appended to brand names, e.g. "Northwind Analytics". */
  suffixes: readonly string[];
  /** company_categories_and_keywords vocabulary. */
  keywords: readonly string[];
  /** Share of companies selling to businesses. */
  b2b: number;
}

export const INDUSTRIES: readonly Industry[] = [
  { name: 'Software Development', v1Name: 'Computer Software', weight: 12, suffixes: ['Software', 'Labs', 'Technologies', 'Systems', 'Analytics', 'Cloud'], keywords: ['saas', 'cloud', 'software', 'analytics', 'api', 'developer tools', 'machine learning', 'data platform'], b2b: 0.8 },
  { name: 'IT Services and IT Consulting', v1Name: 'Information Technology and Services', weight: 10, suffixes: ['IT', 'Solutions', 'Consulting', 'Digital', 'Tech'], keywords: ['it services', 'managed services', 'cloud migration', 'cybersecurity', 'outsourcing', 'digital transformation'], b2b: 0.95 },
  { name: 'Financial Services', v1Name: 'Financial Services', weight: 6, suffixes: ['Capital', 'Partners', 'Financial', 'Investments', 'Advisors'], keywords: ['wealth management', 'payments', 'fintech', 'asset management', 'lending', 'private equity'], b2b: 0.6 },
  { name: 'Banking', v1Name: 'Banking', weight: 4, suffixes: ['Bank', 'Bancorp', 'Savings', 'Trust'], keywords: ['retail banking', 'commercial banking', 'mortgages', 'credit cards', 'treasury'], b2b: 0.3 },
  { name: 'Hospitals and Health Care', v1Name: 'Hospital & Health Care', weight: 7, suffixes: ['Health', 'Medical Center', 'Clinic', 'Care', 'Hospital'], keywords: ['healthcare', 'patient care', 'telehealth', 'primary care', 'clinical services'], b2b: 0.2 },
  { name: 'Retail', v1Name: 'Retail', weight: 5, suffixes: ['Stores', 'Market', 'Outfitters', 'Goods', 'Shop'], keywords: ['e-commerce', 'retail', 'omnichannel', 'consumer goods', 'fashion'], b2b: 0.1 },
  { name: 'Industrial Machinery Manufacturing', v1Name: 'Machinery', weight: 5, suffixes: ['Industries', 'Manufacturing', 'Machinery', 'Works', 'Engineering'], keywords: ['manufacturing', 'industrial automation', 'machinery', 'lean manufacturing', 'robotics'], b2b: 0.9 },
  { name: 'Telecommunications', v1Name: 'Telecommunications', weight: 3, suffixes: ['Telecom', 'Networks', 'Communications', 'Mobile'], keywords: ['5g', 'broadband', 'fiber', 'mobile networks', 'voip'], b2b: 0.5 },
  { name: 'Higher Education', v1Name: 'Higher Education', weight: 4, suffixes: ['Academy', 'Institute', 'College', 'Learning'], keywords: ['higher education', 'research', 'online learning', 'student services'], b2b: 0.1 },
  { name: 'Advertising Services', v1Name: 'Marketing and Advertising', weight: 4, suffixes: ['Media', 'Creative', 'Agency', 'Marketing', 'Studio'], keywords: ['digital marketing', 'branding', 'seo', 'content marketing', 'paid social', 'creative'], b2b: 0.9 },
  { name: 'Business Consulting and Services', v1Name: 'Management Consulting', weight: 5, suffixes: ['Consulting', 'Advisory', 'Group', 'Partners', 'Strategy'], keywords: ['strategy', 'management consulting', 'operations', 'change management', 'due diligence'], b2b: 0.95 },
  { name: 'Staffing and Recruiting', v1Name: 'Staffing and Recruiting', weight: 3, suffixes: ['Talent', 'Staffing', 'Recruitment', 'People'], keywords: ['recruiting', 'staffing', 'executive search', 'talent acquisition', 'rpo'], b2b: 0.9 },
  { name: 'Real Estate', v1Name: 'Real Estate', weight: 3, suffixes: ['Realty', 'Properties', 'Estates', 'Real Estate', 'Homes'], keywords: ['commercial real estate', 'residential', 'property management', 'brokerage', 'proptech'], b2b: 0.4 },
  { name: 'Transportation, Logistics, Supply Chain and Storage', v1Name: 'Logistics and Supply Chain', weight: 4, suffixes: ['Logistics', 'Freight', 'Transport', 'Shipping', 'Supply'], keywords: ['logistics', 'freight forwarding', 'warehousing', 'last mile', 'supply chain'], b2b: 0.85 },
  { name: 'Pharmaceutical Manufacturing', v1Name: 'Pharmaceuticals', weight: 3, suffixes: ['Pharma', 'Therapeutics', 'Biosciences', 'Biotech'], keywords: ['drug discovery', 'clinical trials', 'biologics', 'oncology', 'regulatory affairs'], b2b: 0.5 },
  { name: 'Insurance', v1Name: 'Insurance', weight: 3, suffixes: ['Insurance', 'Assurance', 'Mutual', 'Underwriters'], keywords: ['insurance', 'insurtech', 'claims', 'underwriting', 'reinsurance'], b2b: 0.4 },
  { name: 'Construction', v1Name: 'Construction', weight: 4, suffixes: ['Construction', 'Builders', 'Contractors', 'Building Group'], keywords: ['construction', 'infrastructure', 'general contracting', 'civil engineering', 'project delivery'], b2b: 0.7 },
  { name: 'Motor Vehicle Manufacturing', v1Name: 'Automotive', weight: 2, suffixes: ['Motors', 'Automotive', 'Mobility', 'Auto'], keywords: ['automotive', 'electric vehicles', 'mobility', 'autonomous driving', 'aftermarket'], b2b: 0.5 },
  { name: 'Food and Beverage Services', v1Name: 'Food & Beverages', weight: 3, suffixes: ['Foods', 'Kitchen', 'Beverages', 'Brewing', 'Farms'], keywords: ['food and beverage', 'restaurants', 'cpg', 'organic', 'hospitality'], b2b: 0.3 },
  { name: 'Law Practice', v1Name: 'Law Practice', weight: 2, suffixes: ['LLP', 'Law Group', 'Legal', 'Attorneys'], keywords: ['litigation', 'corporate law', 'intellectual property', 'employment law', 'm&a'], b2b: 0.7 },
  { name: 'Non-profit Organizations', v1Name: 'Nonprofit Organization Management', weight: 2, suffixes: ['Foundation', 'Alliance', 'Initiative', 'Trust'], keywords: ['nonprofit', 'community development', 'education', 'advocacy', 'fundraising'], b2b: 0.1 },
  { name: 'Government Administration', v1Name: 'Government Administration', weight: 2, suffixes: ['Agency', 'Authority', 'Department', 'Office'], keywords: ['public sector', 'government', 'public services', 'policy'], b2b: 0.1 },
  { name: 'Oil and Gas', v1Name: 'Oil & Energy', weight: 2, suffixes: ['Energy', 'Petroleum', 'Resources', 'Power'], keywords: ['oil and gas', 'renewables', 'energy transition', 'upstream', 'utilities'], b2b: 0.8 },
  { name: 'Entertainment Providers', v1Name: 'Entertainment', weight: 2, suffixes: ['Entertainment', 'Studios', 'Pictures', 'Games'], keywords: ['entertainment', 'gaming', 'streaming', 'live events', 'film production'], b2b: 0.2 },
];

/** Management levels in career order; the last three are "off-ladder" roles. */
export const LEVELS = [
  'Intern', 'Specialist', 'Senior', 'Manager', 'Head', 'Director', 'President/Vice President', 'C-Level',
  'Partner', 'Owner', 'Founder',
] as const;
export type LevelIndex = number;
export const LEVEL = {
  intern: 0, specialist: 1, senior: 2, manager: 3, head: 4, director: 5, vp: 6, cLevel: 7,
  partner: 8, owner: 9, founder: 10,
} as const;

/** Position of a level on the career ladder, so off-ladder roles can be compared and promoted. */
export function levelRank(level: LevelIndex): number {
  return level <= LEVEL.cLevel ? level : LEVEL.director;
}

/** Levels that sign off budgets and hires (Clean `is_decision_maker`). */
export function isDecisionMakerLevel(level: LevelIndex): boolean {
  return level >= LEVEL.head;
}

export const COMPANY_SIZES: readonly (readonly [label: string, min: number, max: number])[] = [
  ['10001+ employees', 10001, 250000],
  ['5001-10000 employees', 5001, 10000],
  ['1001-5000 employees', 1001, 5000],
  ['501-1000 employees', 501, 1000],
  ['201-500 employees', 201, 500],
  ['51-200 employees', 51, 200],
  ['11-50 employees', 11, 50],
  ['1-10 employees', 1, 10],
];

/** Where each size band starts in the popularity ranking of the 5,000-company pool. */
export const COMPANY_SIZE_RANK_STARTS: readonly number[] = [0, 60, 200, 700, 1400, 2400, 3600, 4500];

export const LANGUAGES: readonly string[] = [
  'English', 'Spanish', 'French', 'German', 'Portuguese', 'Italian', 'Dutch', 'Polish', 'Swedish', 'Danish',
  'Norwegian', 'Finnish', 'Turkish', 'Arabic', 'Hebrew', 'Hindi', 'Chinese', 'Japanese', 'Korean', 'Indonesian',
  'Filipino', 'Vietnamese', 'Romanian', 'Czech', 'Afrikaans', 'Yoruba', 'Russian', 'Tamil', 'Bengali', 'Urdu',
];

/** Professional-network proficiency labels, weakest first (v1 proficiency_id = index + 1). */
export const PROFICIENCIES: readonly string[] = [
  'Elementary proficiency', 'Limited working proficiency', 'Professional working proficiency',
  'Full professional proficiency', 'Native or bilingual proficiency',
];

export const DEGREES = {
  associate: ["Associate's degree"],
  bachelor: ['B.S.', 'B.A.', 'B.Sc.', 'BBA', 'B.Eng.', "Bachelor's degree"],
  master: ['M.S.', 'M.A.', 'M.Sc.', 'MBA', 'M.Eng.', "Master's degree"],
  doctorate: ['Ph.D.'],
} as const;

export const GENERIC_SKILLS: readonly string[] = [
  'Microsoft Excel', 'Microsoft Office', 'Leadership', 'Communication', 'Teamwork', 'Problem Solving',
  'Project Management', 'Public Speaking', 'Customer Service', 'Negotiation', 'Time Management',
  'Strategic Planning', 'Management', 'Research', 'English', 'PowerPoint', 'Critical Thinking', 'Mentoring',
];

export const GENERIC_CERTIFICATIONS: readonly (readonly [string, string])[] = [
  ['Project Management Professional (PMP)', 'Project Management Institute'],
  ['Certified ScrumMaster (CSM)', 'Scrum Alliance'],
  ['Lean Six Sigma Green Belt', 'ASQ'],
  ['Google Analytics Certification', 'Google'],
  ['ITIL 4 Foundation', 'AXELOS'],
];

export const ACTIVITIES_AND_SOCIETIES: readonly string[] = [
  'ACM student chapter', 'Student council', 'Debate society', 'Varsity soccer', 'Entrepreneurship club',
  'Model United Nations', 'Robotics club', 'Finance society', 'Drama club', 'Volunteer tutoring',
  'Women in Engineering', 'Marketing association', 'Rowing team', 'Student newspaper', 'Hackathon organising team',
];

export const AWARD_TITLES: readonly string[] = [
  'Employee of the Year', "President's Club", 'Engineering Excellence Award', 'Top Performer',
  'Innovation Award', 'Customer Champion Award', 'Spot Award', 'Rising Star Award', 'Leadership Award',
  "Dean's List", 'Best Paper Award', 'Hackathon Winner', 'Team Player Award', 'Sales Achievement Award',
];

export const ACTIVITY_ACTIONS: readonly string[] = ['Shared by', 'Liked by', 'Commented on by', 'Reposted by'];

export const ORGANIZATION_PATTERNS: readonly string[] = [
  '{city} {area} Meetup', '{country} Association of {area} Professionals', 'Toastmasters International',
  'IEEE', 'Rotary International', '{area} Leaders Forum', 'Women in {area}', '{city} Chamber of Commerce',
  'Junior Achievement', 'Project Management Institute',
];

export const ORGANIZATION_POSITIONS: readonly string[] = [
  'Member', 'Member', 'Organizer', 'Volunteer', 'Board Member', 'Treasurer', 'Mentor', 'Speaker',
];

export const PUBLISHERS: readonly string[] = [
  'Medium', 'IEEE Access', 'Harvard Business Review', 'Forbes', 'Journal of Applied Research',
  'ACM Queue', 'MIT Sloan Management Review', 'InfoQ', 'The Conversation', 'Towards Data Science',
];

export const INTERESTS: readonly string[] = [
  'Technology', 'Travel', 'Photography', 'Entrepreneurship', 'Sustainability', 'Artificial Intelligence',
  'Running', 'Reading', 'Music', 'Cooking', 'Investing', 'Startups', 'Design', 'Education', 'Cycling',
];

export const CAUSES: readonly string[] = [
  'Education', 'Environment', 'Health', 'Human Rights', 'Animal Welfare', 'Arts and Culture',
  'Economic Empowerment', 'Science and Technology', 'Poverty Alleviation', 'Children', 'Disaster and Humanitarian Relief',
];

export const VOLUNTEER_OPPORTUNITIES: readonly string[] = [
  'Skills-based volunteering (pro bono)', 'Joining a nonprofit board',
];

export const VOLUNTEER_SUPPORTS: readonly string[] = ['Donating money', 'Attending events', 'Advocating for causes'];

export const VOLUNTEER_ROLES: readonly string[] = ['Volunteer', 'Mentor', 'Board Member', 'Coordinator', 'Tutor'];

export const PATENT_STATUSES: readonly string[] = ['Patent issued', 'Patent pending'];

export const COURSE_SUGGESTIONS: readonly string[] = [
  'Excel Essential Training', 'Project Management Foundations', 'Learning Python', 'Leading with Emotional Intelligence',
  'SQL Essential Training', 'Strategic Thinking', 'Time Management Fundamentals', 'Negotiation Foundations',
  'Data Visualization for Data Analysis', 'Communicating with Confidence',
];
