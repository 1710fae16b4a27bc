// The search modifiers this server answers, per parameter type: parsing refuses the others, and the
// CapabilityStatement lists these (so what it says is what parsing accepts).
export const modifiersByType: Readonly<Record<string, readonly string[]>> = {
  token: ['missing', 'text', 'not', 'of-type', 'in', 'not-in', 'above', 'below'],
  string: ['missing', 'exact', 'contains'],
  uri: ['missing', 'below', 'above'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  reference: ['missing', 'identifier'], // and :[Type] (a resource type), checked apart
  composite: ['missing'],
};
