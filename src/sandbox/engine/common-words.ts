// Everyday English words the script-constrained recogniser may hear besides the script: small talk, asides and
// questions from behind the camera are made mostly of these. With them in the vocabulary, speech that is not the
// script comes out as these words instead of being forced into script words.
export const COMMON_WORDS: readonly string[] = `
a about after again all also am an and any are around as ask at away back be because been before being
better big both but by call came can can't come could day did didn't do does doesn't doing don't done down
each even ever every few find first for from get give go going good got great had has have he her here him
his how i i'd i'll i'm i've if in into is isn't it it's just keep kind know last let let's like little long
look lot made make many maybe me mean more most much must my need never new next no not now of off oh okay
old on once one only or other our out over people put quite really right said same saw say see she should
show so some something sorry start still such sure take talk tell than thank thanks that that's the their
them then there there's these they they're thing things think this those though thought three through time
to today too try two up us very wait want was water way we we're well went were what what's when where
which while who why will with won't work would yeah yes yet you you're your
`.trim().split(/\s+/);
