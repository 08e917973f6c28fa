/**
 * Reference data for generated DACH companies: names (ordered roughly by frequency, so common ones
 * repeat like in real life), departments with positions and teams, offices with phone prefixes.
 */

/** A first name and the gender Personio would most likely store with it. */
export interface FirstName {
  readonly name: string;
  readonly gender: 'male' | 'female';
}

const female = (names: string): FirstName[] => names.split(',').map((name) => ({ name: name.trim(), gender: 'female' as const }));
const male = (names: string): FirstName[] => names.split(',').map((name) => ({ name: name.trim(), gender: 'male' as const }));

/** German first names, most common first. */
export const FIRST_NAMES_DE: readonly FirstName[] = [
  ...female('Anna, Julia, Laura, Sarah, Lena, Katharina, Lisa, Sabine, Stefanie, Christina, Jana, Hannah, Sophie, Marie, Leonie, Lea, Johanna, Franziska, Miriam, Birgit, Ursula, Anja, Nicole, Petra, Sandra, Kerstin, Svenja, Greta, Jördis, Anna-Lena, Marie-Luise, Ann-Kathrin, Zoë, Renée'),
  ...male('Thomas, Michael, Andreas, Stefan, Christian, Markus, Daniel, Alexander, Tobias, Jan, Sebastian, Lukas, Jonas, Felix, Maximilian, Paul, Leon, Niklas, Tim, Florian, Matthias, Björn, Jörg, Jürgen, Uwe, Günther, Hans-Peter, Karl-Heinz, Jens, Sören, Malte, Ole, Fynn, Noah, Ben, Elias'),
];

/** Austrian first names. */
export const FIRST_NAMES_AT: readonly FirstName[] = [
  ...female('Magdalena, Theresa, Elisabeth, Veronika, Kathrin, Barbara, Valentina, Hemma, Rosa, Notburga'),
  ...male('Florian, Lukas, Dominik, Fabian, Raphael, Valentin, Josef, Franz, Alois, Sepp, Wolfgang, Ferdinand'),
];

/** Swiss first names (German- and French-speaking). */
export const FIRST_NAMES_CH: readonly FirstName[] = [
  ...female('Mia, Nina, Seraina, Ladina, Noémie, Chloé, Aurélie, Gaëlle, Mélanie, Léa, Céline, Bettina, Corinne, Regula, Vreni'),
  ...male('Luca, Reto, Urs, Beat, Dario, Gian, Andri, Jürg, Rémy, Sébastien, René, André, Loïc, François, Mathéo'),
];

/** German last names, most common first (with umlauts, ß, double names, particles). */
export const LAST_NAMES_DE: readonly string[] = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
  'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann',
  'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier',
  'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber',
  'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert',
  'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz',
  'Baumann', 'Franke', 'Albrecht', 'Schuster', 'Simon', 'Ludwig', 'Böhm', 'Winter', 'Kraus', 'Martin',
  'Schumacher', 'Krämer', 'Vogt', 'Stein', 'Jäger', 'Otto', 'Sommer', 'Groß', 'Seidel', 'Heinrich',
  'Brandt', 'Haas', 'Schreiber', 'Graf', 'Schulte', 'Dietrich', 'Ziegler', 'Kuhn', 'Kühn', 'Pohl',
  'Engel', 'Horn', 'Busch', 'Bergmann', 'Thomas', 'Voigt', 'Sauer', 'Arnold', 'Wolff', 'Pfeiffer',
  'Müller-Lüdenscheidt', 'Schmidt-Rottluff', 'von Bülow', 'von der Heide', 'zu Guttenberg', 'Strauß', 'Weißmüller', 'Öztürk', 'Yılmaz', 'Kaya',
  'Nowak', 'Kowalski', 'Kovačević', 'Đorđević', 'Papadopoulos', 'Rossi', 'De Luca', "O'Connor", 'Nguyễn', 'Ahmadi',
];

/** Austrian last names. */
export const LAST_NAMES_AT: readonly string[] = [
  'Gruber', 'Huber', 'Bauer', 'Wagner', 'Müller', 'Pichler', 'Steiner', 'Moser', 'Mayer', 'Hofer',
  'Leitner', 'Berger', 'Fuchs', 'Eder', 'Fischer', 'Schmid', 'Winkler', 'Weber', 'Schwarz', 'Maier',
  'Schneider', 'Reiter', 'Mayr', 'Schmidt', 'Wimmer', 'Egger', 'Brunner', 'Lang', 'Baumgartner', 'Auer',
  'Lechner', 'Haas', 'Aigner', 'Wallner', 'Strasser', 'Grünwald', 'Pöll', 'Fürst', 'Kößler', 'Hödl',
];

/** Swiss last names. */
export const LAST_NAMES_CH: readonly string[] = [
  'Müller', 'Meier', 'Schmid', 'Keller', 'Weber', 'Huber', 'Schneider', 'Meyer', 'Steiner', 'Fischer',
  'Gerber', 'Brunner', 'Baumann', 'Frei', 'Zimmermann', 'Moser', 'Widmer', 'Wyss', 'Graf', 'Roth',
  'Bürgi', 'Rüegg', 'Brändli', 'Känzig', 'Hürlimann', 'Zürcher', 'Favre', 'Rochat', 'Perrin', 'Bonvin',
  'Crétin', 'Müller-Thurgau', 'de Weck', 'Dällenbach', 'Nägeli', 'Spörri', 'Fässler', 'Tschümperlin', 'Bösch', 'Rey',
];

/** One office location. */
export interface OfficeDef {
  readonly id: number;
  readonly name: string;
  readonly country: 'DE' | 'AT' | 'CH';
  /** Phone prefix including area code, e.g. `+49 30`. */
  readonly phone: string;
  /** Relative head-count weight. */
  readonly weight: number;
}

/** Offices (Personio office names as customers enter them: city names). */
export const OFFICES: readonly OfficeDef[] = [
  { id: 1, name: 'Berlin', country: 'DE', phone: '+49 30', weight: 30 },
  { id: 2, name: 'München', country: 'DE', phone: '+49 89', weight: 22 },
  { id: 3, name: 'Hamburg', country: 'DE', phone: '+49 40', weight: 12 },
  { id: 4, name: 'Köln', country: 'DE', phone: '+49 221', weight: 8 },
  { id: 5, name: 'Frankfurt am Main', country: 'DE', phone: '+49 69', weight: 6 },
  { id: 6, name: 'Wien', country: 'AT', phone: '+43 1', weight: 10 },
  { id: 7, name: 'Graz', country: 'AT', phone: '+43 316', weight: 3 },
  { id: 8, name: 'Zürich', country: 'CH', phone: '+41 44', weight: 7 },
  { id: 9, name: 'Basel', country: 'CH', phone: '+41 61', weight: 2 },
];

/** Legal entity per country (Personio `subcompany`). */
export const SUBCOMPANIES: Readonly<Record<OfficeDef['country'], { id: number; name: string }>> = {
  DE: { id: 1, name: 'Beispiel GmbH' },
  AT: { id: 2, name: 'Beispiel Austria GmbH' },
  CH: { id: 3, name: 'Beispiel Schweiz AG' },
};

/** One department with its positions (most common first), teams and cost centre. */
export interface DepartmentDef {
  readonly id: number;
  readonly name: string;
  readonly head: string;
  readonly positions: readonly string[];
  readonly teams: readonly string[];
  readonly costCenter: { readonly id: number; readonly name: string };
  readonly weight: number;
}

/** Departments of the generated company. */
export const DEPARTMENTS: readonly DepartmentDef[] = [
  { id: 10, name: 'Engineering', head: 'VP Engineering', positions: ['Software Engineer', 'Senior Software Engineer', 'Frontend Developer', 'Backend Developer', 'QA Engineer', 'Engineering Manager', 'Staff Engineer', 'Data Engineer'], teams: ['Platform', 'Mobile', 'Data', 'Payments'], costCenter: { id: 4100, name: 'R&D' }, weight: 22 },
  { id: 11, name: 'IT', head: 'Head of IT', positions: ['IT Support Specialist', 'System Administrator', 'Network Engineer', 'IT Security Analyst', 'Identity & Access Engineer'], teams: ['Workplace', 'Infrastructure', 'Security'], costCenter: { id: 4200, name: 'IT' }, weight: 6 },
  { id: 12, name: 'Sales', head: 'VP Sales', positions: ['Account Executive', 'Sales Development Representative', 'Key Account Manager', 'Sales Manager', 'Solutions Consultant'], teams: ['DACH', 'Enterprise', 'Mid-Market'], costCenter: { id: 3100, name: 'Sales' }, weight: 16 },
  { id: 13, name: 'Marketing', head: 'Head of Marketing', positions: ['Marketing Manager', 'Content Manager', 'Performance Marketing Manager', 'Brand Designer', 'Event Manager'], teams: ['Brand', 'Growth'], costCenter: { id: 3200, name: 'Marketing' }, weight: 7 },
  { id: 14, name: 'Finance', head: 'CFO', positions: ['Accountant', 'Financial Controller', 'Payroll Specialist', 'Treasury Manager'], teams: ['Accounting', 'Controlling'], costCenter: { id: 2100, name: 'Finance' }, weight: 6 },
  { id: 15, name: 'HR', head: 'Head of People', positions: ['HR Business Partner', 'Recruiter', 'People Operations Specialist', 'Talent Acquisition Lead'], teams: ['People Ops', 'Recruiting'], costCenter: { id: 2200, name: 'People' }, weight: 5 },
  { id: 16, name: 'Customer Support', head: 'Head of Support', positions: ['Customer Support Agent', 'Support Team Lead', 'Technical Support Engineer', 'Customer Success Manager'], teams: ['1st Level', '2nd Level', 'Customer Success'], costCenter: { id: 3300, name: 'Support' }, weight: 14 },
  { id: 17, name: 'Legal', head: 'General Counsel', positions: ['Legal Counsel', 'Paralegal', 'Data Protection Officer', 'Compliance Manager'], teams: ['Legal'], costCenter: { id: 2300, name: 'Legal' }, weight: 2 },
  { id: 18, name: 'Operations', head: 'COO', positions: ['Operations Manager', 'Office Manager', 'Facility Coordinator', 'Procurement Specialist', 'Warehouse Associate'], teams: ['Facilities', 'Logistics'], costCenter: { id: 2400, name: 'Operations' }, weight: 10 },
  { id: 19, name: 'Product', head: 'CPO', positions: ['Product Manager', 'Product Designer', 'UX Researcher', 'Product Owner'], teams: ['Core', 'Growth'], costCenter: { id: 4300, name: 'Product' }, weight: 6 },
];

/** Department of the CEO. */
export const MANAGEMENT: DepartmentDef = {
  id: 1, name: 'Management', head: 'CEO', positions: ['Executive Assistant', 'Chief of Staff'], teams: [],
  costCenter: { id: 1000, name: 'Management' }, weight: 0,
};

/** Custom attribute keys the generator fills. */
export const CUSTOM = {
  phone: { key: 'dynamic_1001', label: 'Phone' },
  birthName: { key: 'dynamic_1002', label: 'Birth name' },
} as const;
