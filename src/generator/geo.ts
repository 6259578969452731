// Static geography for the generator: real countries, ISO codes, UN M49 region pairs and real
// cities/states. Weights roughly follow where professional-network members live (US-heavy), so
// location-based queries behave like they would against the real dataset.

export interface Country {
  name: string;
  iso2: string;
  iso3: string;
  /** [continent, sub-region] as in the Clean record's location_regions. */
  regions: readonly string[];
  /** Relative share of people living here. */
  weight: number;
  /** Faker locale (or a built-in fallback list, see names-fallback.ts) used for personal names. */
  nameLocale: string;
  /** Native languages, most common first (names must exist in catalog.ts LANGUAGES). */
  languages: readonly string[];
  /** Postcode shape: '#' = digit, '?' = upper-case letter. Empty = no postcodes. */
  postcode: string;
  /** [city, state/province or null]; earlier cities are bigger and drawn more often. */
  cities: readonly (readonly [string, string | null])[];
}

const NORTH_AMERICA = ['Americas', 'Northern America'];
const CENTRAL_AMERICA = ['Americas', 'Central America'];
const SOUTH_AMERICA = ['Americas', 'South America'];
const NORTH_EUROPE = ['Europe', 'Northern Europe'];
const WEST_EUROPE = ['Europe', 'Western Europe'];
const SOUTH_EUROPE = ['Europe', 'Southern Europe'];
const EAST_EUROPE = ['Europe', 'Eastern Europe'];
const WEST_ASIA = ['Asia', 'Western Asia'];
const SOUTH_ASIA = ['Asia', 'Southern Asia'];
const EAST_ASIA = ['Asia', 'Eastern Asia'];
const SOUTHEAST_ASIA = ['Asia', 'South-eastern Asia'];
const OCEANIA = ['Oceania', 'Australia and New Zealand'];

export const COUNTRIES: readonly Country[] = [
  {
    name: 'United States', iso2: 'US', iso3: 'USA', regions: NORTH_AMERICA, weight: 28, nameLocale: 'en_US',
    languages: ['English'], postcode: '#####',
    cities: [
      ['New York', 'New York'], ['Los Angeles', 'California'], ['Chicago', 'Illinois'], ['San Francisco', 'California'],
      ['Houston', 'Texas'], ['Dallas', 'Texas'], ['Boston', 'Massachusetts'], ['Seattle', 'Washington'],
      ['Austin', 'Texas'], ['Atlanta', 'Georgia'], ['Washington', 'District of Columbia'], ['Philadelphia', 'Pennsylvania'],
      ['Phoenix', 'Arizona'], ['San Diego', 'California'], ['Denver', 'Colorado'], ['Miami', 'Florida'],
      ['San Jose', 'California'], ['Minneapolis', 'Minnesota'], ['Charlotte', 'North Carolina'], ['Nashville', 'Tennessee'],
      ['Portland', 'Oregon'], ['Raleigh', 'North Carolina'], ['Salt Lake City', 'Utah'], ['Columbus', 'Ohio'],
      ['Detroit', 'Michigan'], ['Pittsburgh', 'Pennsylvania'], ['Orlando', 'Florida'], ['Tampa', 'Florida'],
      ['Kansas City', 'Missouri'], ['San Antonio', 'Texas'],
    ],
  },
  {
    name: 'India', iso2: 'IN', iso3: 'IND', regions: SOUTH_ASIA, weight: 10, nameLocale: 'en_IN',
    languages: ['Hindi', 'English'], postcode: '######',
    cities: [
      ['Bengaluru', 'Karnataka'], ['Mumbai', 'Maharashtra'], ['New Delhi', 'Delhi'], ['Hyderabad', 'Telangana'],
      ['Pune', 'Maharashtra'], ['Chennai', 'Tamil Nadu'], ['Gurugram', 'Haryana'], ['Noida', 'Uttar Pradesh'],
      ['Kolkata', 'West Bengal'], ['Ahmedabad', 'Gujarat'], ['Jaipur', 'Rajasthan'], ['Kochi', 'Kerala'],
    ],
  },
  {
    name: 'United Kingdom', iso2: 'GB', iso3: 'GBR', regions: NORTH_EUROPE, weight: 6, nameLocale: 'en_GB',
    languages: ['English'], postcode: '??# #??',
    cities: [
      ['London', 'England'], ['Manchester', 'England'], ['Birmingham', 'England'], ['Edinburgh', 'Scotland'],
      ['Glasgow', 'Scotland'], ['Bristol', 'England'], ['Leeds', 'England'], ['Cambridge', 'England'],
      ['Cardiff', 'Wales'], ['Belfast', 'Northern Ireland'], ['Reading', 'England'], ['Oxford', 'England'],
    ],
  },
  {
    name: 'Germany', iso2: 'DE', iso3: 'DEU', regions: WEST_EUROPE, weight: 5, nameLocale: 'de',
    languages: ['German'], postcode: '#####',
    cities: [
      ['Berlin', 'Berlin'], ['Munich', 'Bavaria'], ['Hamburg', 'Hamburg'], ['Frankfurt', 'Hesse'],
      ['Cologne', 'North Rhine-Westphalia'], ['Stuttgart', 'Baden-Württemberg'], ['Düsseldorf', 'North Rhine-Westphalia'],
      ['Leipzig', 'Saxony'], ['Hanover', 'Lower Saxony'], ['Nuremberg', 'Bavaria'],
    ],
  },
  {
    name: 'Brazil', iso2: 'BR', iso3: 'BRA', regions: SOUTH_AMERICA, weight: 5, nameLocale: 'pt_BR',
    languages: ['Portuguese'], postcode: '#####-###',
    cities: [
      ['São Paulo', 'São Paulo'], ['Rio de Janeiro', 'Rio de Janeiro'], ['Belo Horizonte', 'Minas Gerais'],
      ['Brasília', 'Federal District'], ['Curitiba', 'Paraná'], ['Porto Alegre', 'Rio Grande do Sul'],
      ['Recife', 'Pernambuco'], ['Campinas', 'São Paulo'], ['Florianópolis', 'Santa Catarina'],
    ],
  },
  {
    name: 'Canada', iso2: 'CA', iso3: 'CAN', regions: NORTH_AMERICA, weight: 4, nameLocale: 'en_CA',
    languages: ['English', 'French'], postcode: '?#? #?#',
    cities: [
      ['Toronto', 'Ontario'], ['Vancouver', 'British Columbia'], ['Montreal', 'Quebec'], ['Calgary', 'Alberta'],
      ['Ottawa', 'Ontario'], ['Edmonton', 'Alberta'], ['Waterloo', 'Ontario'], ['Halifax', 'Nova Scotia'],
    ],
  },
  {
    name: 'France', iso2: 'FR', iso3: 'FRA', regions: WEST_EUROPE, weight: 4, nameLocale: 'fr',
    languages: ['French'], postcode: '#####',
    cities: [
      ['Paris', 'Île-de-France'], ['Lyon', 'Auvergne-Rhône-Alpes'], ['Marseille', "Provence-Alpes-Côte d'Azur"],
      ['Toulouse', 'Occitanie'], ['Lille', 'Hauts-de-France'], ['Bordeaux', 'Nouvelle-Aquitaine'],
      ['Nantes', 'Pays de la Loire'], ['Nice', "Provence-Alpes-Côte d'Azur"],
    ],
  },
  {
    name: 'Spain', iso2: 'ES', iso3: 'ESP', regions: SOUTH_EUROPE, weight: 2.5, nameLocale: 'es',
    languages: ['Spanish'], postcode: '#####',
    cities: [
      ['Madrid', 'Community of Madrid'], ['Barcelona', 'Catalonia'], ['Valencia', 'Valencian Community'],
      ['Seville', 'Andalusia'], ['Bilbao', 'Basque Country'], ['Málaga', 'Andalusia'],
    ],
  },
  {
    name: 'Italy', iso2: 'IT', iso3: 'ITA', regions: SOUTH_EUROPE, weight: 2.5, nameLocale: 'it',
    languages: ['Italian'], postcode: '#####',
    cities: [
      ['Milan', 'Lombardy'], ['Rome', 'Lazio'], ['Turin', 'Piedmont'], ['Bologna', 'Emilia-Romagna'],
      ['Florence', 'Tuscany'], ['Naples', 'Campania'],
    ],
  },
  {
    name: 'Netherlands', iso2: 'NL', iso3: 'NLD', regions: WEST_EUROPE, weight: 2, nameLocale: 'nl',
    languages: ['Dutch'], postcode: '#### ??',
    cities: [
      ['Amsterdam', 'North Holland'], ['Rotterdam', 'South Holland'], ['The Hague', 'South Holland'],
      ['Utrecht', 'Utrecht'], ['Eindhoven', 'North Brabant'],
    ],
  },
  {
    name: 'Australia', iso2: 'AU', iso3: 'AUS', regions: OCEANIA, weight: 2.5, nameLocale: 'en_AU',
    languages: ['English'], postcode: '####',
    cities: [
      ['Sydney', 'New South Wales'], ['Melbourne', 'Victoria'], ['Brisbane', 'Queensland'],
      ['Perth', 'Western Australia'], ['Adelaide', 'South Australia'], ['Canberra', 'Australian Capital Territory'],
    ],
  },
  {
    name: 'Mexico', iso2: 'MX', iso3: 'MEX', regions: CENTRAL_AMERICA, weight: 2, nameLocale: 'es_MX',
    languages: ['Spanish'], postcode: '#####',
    cities: [
      ['Mexico City', 'Mexico City'], ['Guadalajara', 'Jalisco'], ['Monterrey', 'Nuevo León'],
      ['Puebla', 'Puebla'], ['Querétaro', 'Querétaro'],
    ],
  },
  {
    name: 'Poland', iso2: 'PL', iso3: 'POL', regions: EAST_EUROPE, weight: 1.5, nameLocale: 'pl',
    languages: ['Polish'], postcode: '##-###',
    cities: [
      ['Warsaw', 'Masovian Voivodeship'], ['Kraków', 'Lesser Poland Voivodeship'],
      ['Wrocław', 'Lower Silesian Voivodeship'], ['Gdańsk', 'Pomeranian Voivodeship'],
      ['Poznań', 'Greater Poland Voivodeship'],
    ],
  },
  {
    name: 'Sweden', iso2: 'SE', iso3: 'SWE', regions: NORTH_EUROPE, weight: 1, nameLocale: 'sv',
    languages: ['Swedish'], postcode: '### ##',
    cities: [
      ['Stockholm', 'Stockholm County'], ['Gothenburg', 'Västra Götaland County'], ['Malmö', 'Skåne County'],
      ['Uppsala', 'Uppsala County'],
    ],
  },
  {
    name: 'Switzerland', iso2: 'CH', iso3: 'CHE', regions: WEST_EUROPE, weight: 1, nameLocale: 'de_CH',
    languages: ['German', 'French'], postcode: '####',
    cities: [['Zurich', 'Zurich'], ['Geneva', 'Geneva'], ['Basel', 'Basel-City'], ['Lausanne', 'Vaud'], ['Bern', 'Bern']],
  },
  {
    name: 'Belgium', iso2: 'BE', iso3: 'BEL', regions: WEST_EUROPE, weight: 1, nameLocale: 'nl_BE',
    languages: ['Dutch', 'French'], postcode: '####',
    cities: [['Brussels', 'Brussels-Capital Region'], ['Antwerp', 'Flanders'], ['Ghent', 'Flanders'], ['Liège', 'Wallonia']],
  },
  {
    name: 'Ireland', iso2: 'IE', iso3: 'IRL', regions: NORTH_EUROPE, weight: 0.8, nameLocale: 'en_IE',
    languages: ['English'], postcode: '?## ?#?#',
    cities: [['Dublin', 'County Dublin'], ['Cork', 'County Cork'], ['Galway', 'County Galway'], ['Limerick', 'County Limerick']],
  },
  {
    name: 'Portugal', iso2: 'PT', iso3: 'PRT', regions: SOUTH_EUROPE, weight: 0.8, nameLocale: 'pt_PT',
    languages: ['Portuguese'], postcode: '####-###',
    cities: [['Lisbon', 'Lisbon'], ['Porto', 'Porto'], ['Braga', 'Braga'], ['Coimbra', 'Coimbra']],
  },
  {
    name: 'Austria', iso2: 'AT', iso3: 'AUT', regions: WEST_EUROPE, weight: 0.7, nameLocale: 'de_AT',
    languages: ['German'], postcode: '####',
    cities: [['Vienna', 'Vienna'], ['Graz', 'Styria'], ['Linz', 'Upper Austria'], ['Salzburg', 'Salzburg']],
  },
  {
    name: 'Denmark', iso2: 'DK', iso3: 'DNK', regions: NORTH_EUROPE, weight: 0.6, nameLocale: 'da',
    languages: ['Danish'], postcode: '####',
    cities: [
      ['Copenhagen', 'Capital Region of Denmark'], ['Aarhus', 'Central Denmark Region'],
      ['Odense', 'Region of Southern Denmark'],
    ],
  },
  {
    name: 'Norway', iso2: 'NO', iso3: 'NOR', regions: NORTH_EUROPE, weight: 0.6, nameLocale: 'nb_NO',
    languages: ['Norwegian'], postcode: '####',
    cities: [['Oslo', 'Oslo'], ['Bergen', 'Vestland'], ['Trondheim', 'Trøndelag'], ['Stavanger', 'Rogaland']],
  },
  {
    name: 'Finland', iso2: 'FI', iso3: 'FIN', regions: NORTH_EUROPE, weight: 0.5, nameLocale: 'fi',
    languages: ['Finnish', 'Swedish'], postcode: '#####',
    cities: [['Helsinki', 'Uusimaa'], ['Espoo', 'Uusimaa'], ['Tampere', 'Pirkanmaa'], ['Oulu', 'North Ostrobothnia']],
  },
  {
    name: 'Turkey', iso2: 'TR', iso3: 'TUR', regions: WEST_ASIA, weight: 1.2, nameLocale: 'tr',
    languages: ['Turkish'], postcode: '#####',
    cities: [['Istanbul', 'Istanbul'], ['Ankara', 'Ankara'], ['Izmir', 'Izmir'], ['Bursa', 'Bursa']],
  },
  {
    name: 'South Africa', iso2: 'ZA', iso3: 'ZAF', regions: ['Africa', 'Southern Africa'], weight: 1, nameLocale: 'en_ZA',
    languages: ['English', 'Afrikaans'], postcode: '####',
    cities: [['Johannesburg', 'Gauteng'], ['Cape Town', 'Western Cape'], ['Durban', 'KwaZulu-Natal'], ['Pretoria', 'Gauteng']],
  },
  {
    name: 'Nigeria', iso2: 'NG', iso3: 'NGA', regions: ['Africa', 'Western Africa'], weight: 0.8, nameLocale: 'en_NG',
    languages: ['English', 'Yoruba'], postcode: '######',
    cities: [['Lagos', 'Lagos'], ['Abuja', 'Federal Capital Territory'], ['Port Harcourt', 'Rivers'], ['Ibadan', 'Oyo']],
  },
  {
    name: 'Egypt', iso2: 'EG', iso3: 'EGY', regions: ['Africa', 'Northern Africa'], weight: 0.6, nameLocale: 'arabic',
    languages: ['Arabic'], postcode: '#####',
    cities: [['Cairo', 'Cairo Governorate'], ['Alexandria', 'Alexandria Governorate'], ['Giza', 'Giza Governorate']],
  },
  {
    name: 'United Arab Emirates', iso2: 'AE', iso3: 'ARE', regions: WEST_ASIA, weight: 1, nameLocale: 'arabic',
    languages: ['Arabic'], postcode: '',
    cities: [['Dubai', 'Dubai'], ['Abu Dhabi', 'Abu Dhabi'], ['Sharjah', 'Sharjah']],
  },
  {
    name: 'Saudi Arabia', iso2: 'SA', iso3: 'SAU', regions: WEST_ASIA, weight: 0.6, nameLocale: 'arabic',
    languages: ['Arabic'], postcode: '#####',
    cities: [['Riyadh', 'Riyadh Province'], ['Jeddah', 'Makkah Province'], ['Dammam', 'Eastern Province']],
  },
  {
    name: 'Israel', iso2: 'IL', iso3: 'ISR', regions: WEST_ASIA, weight: 0.6, nameLocale: 'hebrew',
    languages: ['Hebrew'], postcode: '#######',
    cities: [['Tel Aviv', 'Tel Aviv District'], ['Jerusalem', 'Jerusalem District'], ['Haifa', 'Haifa District']],
  },
  {
    name: 'Singapore', iso2: 'SG', iso3: 'SGP', regions: SOUTHEAST_ASIA, weight: 0.8, nameLocale: 'en_HK',
    languages: ['English', 'Chinese'], postcode: '######',
    cities: [['Singapore', null]],
  },
  {
    name: 'Japan', iso2: 'JP', iso3: 'JPN', regions: EAST_ASIA, weight: 1, nameLocale: 'japanese',
    languages: ['Japanese'], postcode: '###-####',
    cities: [['Tokyo', 'Tokyo'], ['Osaka', 'Osaka'], ['Yokohama', 'Kanagawa'], ['Nagoya', 'Aichi'], ['Fukuoka', 'Fukuoka'], ['Kyoto', 'Kyoto']],
  },
  {
    name: 'China', iso2: 'CN', iso3: 'CHN', regions: EAST_ASIA, weight: 1.2, nameLocale: 'chinese',
    languages: ['Chinese'], postcode: '######',
    cities: [
      ['Shanghai', 'Shanghai'], ['Beijing', 'Beijing'], ['Shenzhen', 'Guangdong'], ['Guangzhou', 'Guangdong'],
      ['Hangzhou', 'Zhejiang'], ['Chengdu', 'Sichuan'],
    ],
  },
  {
    name: 'South Korea', iso2: 'KR', iso3: 'KOR', regions: EAST_ASIA, weight: 0.5, nameLocale: 'korean',
    languages: ['Korean'], postcode: '#####',
    cities: [['Seoul', 'Seoul'], ['Busan', 'Busan'], ['Incheon', 'Incheon'], ['Seongnam', 'Gyeonggi']],
  },
  {
    name: 'Indonesia', iso2: 'ID', iso3: 'IDN', regions: SOUTHEAST_ASIA, weight: 1.2, nameLocale: 'id_ID',
    languages: ['Indonesian'], postcode: '#####',
    cities: [['Jakarta', 'Jakarta'], ['Surabaya', 'East Java'], ['Bandung', 'West Java'], ['Medan', 'North Sumatra']],
  },
  {
    name: 'Philippines', iso2: 'PH', iso3: 'PHL', regions: SOUTHEAST_ASIA, weight: 1, nameLocale: 'en_US',
    languages: ['Filipino', 'English'], postcode: '####',
    cities: [
      ['Manila', 'Metro Manila'], ['Makati', 'Metro Manila'], ['Quezon City', 'Metro Manila'],
      ['Cebu City', 'Central Visayas'], ['Davao City', 'Davao Region'],
    ],
  },
  {
    name: 'Vietnam', iso2: 'VN', iso3: 'VNM', regions: SOUTHEAST_ASIA, weight: 0.5, nameLocale: 'vi',
    languages: ['Vietnamese'], postcode: '######',
    cities: [['Ho Chi Minh City', 'Ho Chi Minh City'], ['Hanoi', 'Hanoi'], ['Da Nang', 'Da Nang']],
  },
  {
    name: 'Argentina', iso2: 'AR', iso3: 'ARG', regions: SOUTH_AMERICA, weight: 1, nameLocale: 'es',
    languages: ['Spanish'], postcode: '?####???',
    cities: [['Buenos Aires', 'Buenos Aires'], ['Córdoba', 'Córdoba'], ['Rosario', 'Santa Fe'], ['Mendoza', 'Mendoza']],
  },
  {
    name: 'Colombia', iso2: 'CO', iso3: 'COL', regions: SOUTH_AMERICA, weight: 1, nameLocale: 'es_MX',
    languages: ['Spanish'], postcode: '######',
    cities: [['Bogotá', 'Bogotá D.C.'], ['Medellín', 'Antioquia'], ['Cali', 'Valle del Cauca'], ['Barranquilla', 'Atlántico']],
  },
  {
    name: 'Chile', iso2: 'CL', iso3: 'CHL', regions: SOUTH_AMERICA, weight: 0.7, nameLocale: 'es',
    languages: ['Spanish'], postcode: '#######',
    cities: [['Santiago', 'Santiago Metropolitan Region'], ['Valparaíso', 'Valparaíso'], ['Concepción', 'Biobío']],
  },
  {
    name: 'New Zealand', iso2: 'NZ', iso3: 'NZL', regions: OCEANIA, weight: 0.5, nameLocale: 'en_AU',
    languages: ['English'], postcode: '####',
    cities: [['Auckland', 'Auckland'], ['Wellington', 'Wellington'], ['Christchurch', 'Canterbury']],
  },
  {
    name: 'Romania', iso2: 'RO', iso3: 'ROU', regions: EAST_EUROPE, weight: 0.5, nameLocale: 'ro',
    languages: ['Romanian'], postcode: '######',
    cities: [['Bucharest', 'Bucharest'], ['Cluj-Napoca', 'Cluj'], ['Iași', 'Iași'], ['Timișoara', 'Timiș']],
  },
  {
    name: 'Czechia', iso2: 'CZ', iso3: 'CZE', regions: EAST_EUROPE, weight: 0.5, nameLocale: 'cs_CZ',
    languages: ['Czech'], postcode: '### ##',
    cities: [['Prague', 'Prague'], ['Brno', 'South Moravian Region'], ['Ostrava', 'Moravian-Silesian Region']],
  },
];

/** "City, State, Country" (state omitted when a city has none), the Clean location_full format. */
export function formatLocation(country: Country, cityIndex: number): string {
  const [city, state] = country.cities[cityIndex];
  return state === null ? `${city}, ${country.name}` : `${city}, ${state}, ${country.name}`;
}
