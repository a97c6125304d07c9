// Plausible synthetic answers to the statistics form, for demonstrations and load tests. The
// weights are invented to look like real Anchor work (mostly 13–17-year-olds, shoplifting and
// intoxicants most common); they describe nobody.
import type { SeededRandom } from './random.js'

export function demoAnswers(random: SeededRandom, month: string, homeMunicipality: string): Record<string, unknown> {
  const first = random.chance(0.62)
  const firstTime = first && random.chance(0.85) ? 'yes' : 'no'
  const age = random.weighted({ 10: 1, 11: 2, 12: 5, 13: 10, 14: 14, 15: 16, 16: 15, 17: 12, 18: 4, 19: 2, 20: 1 } as Record<string, number>)
  const hasHobby = random.weighted({ yes: 52, no: 38, unknown: 10 })
  const referred = random.chance(0.55)
  const offenceTopics = random.several(
    { theft_shoplifting: 30, assault: 14, vandalism: 10, unlawful_threat: 6, robbery: 3, drug_offence: 8, traffic_offence: 7, sexual_offence: 2, cybercrime: 4, weapon_offence: 2, fraud: 3, other_offence: 4, intoxicant_use: 18, radicalisation: 1, close_relationship_violence: 4, bullying: 5, school_absence: 6, mental_health: 7, risky_online_behaviour: 4, other_concern: 5 },
    1,
    3,
  )
  const plan = random.chance(0.12) ? ['no_further_measures'] : random.several({ new_anchor_meeting: 40, referred_to_other_services: 35, phone_follow_up: 25, other: 5 }, 1, 2)
  return {
    meetingMonth: month,
    meetingKind: first ? 'first' : 'follow_up',
    gender: random.weighted({ boy: 60, girl: 35, other: 2, unknown: 3 }),
    age: Number(age),
    homeMunicipality,
    childWelfareNotification: random.weighted({ yes: 45, no: 40, unknown: 15 }),
    earlierWelfareClient: random.weighted({ yes: 40, no: 45, unknown: 15 }),
    hasHobby,
    ...(hasHobby === 'yes' ? { guidedHobby: random.weighted({ yes: 60, no: 35, unknown: 5 }) } : {}),
    gangLikeGroup: random.weighted({ yes: 8, no: 72, unknown: 20 }),
    firstTimeInAnchor: firstTime,
    ...(firstTime === 'no' ? { timesInAnchor: Number(random.weighted({ 2: 50, 3: 25, 4: 12, 5: 6, 6: 4, 8: 3 } as Record<string, number>)) } : {}),
    meetingTopics: offenceTopics,
    underInfluence: random.weighted({ yes: 15, no: 55, unknown: 10, not_applicable: 20 }),
    clientRole: random.weighted({ suspect: 65, injured_party: 10, both: 8, no_offence: 17 }),
    informationSources: random.several({ police: 60, child_welfare_social_services: 15, school: 12, youth_services: 5, health_care: 3, guardian_relative: 4, young_person: 1, ngo: 1, other: 2 }, 1, 2),
    referredOnward: referred ? 'yes' : 'no',
    ...(referred
      ? {
          referralServices: random.several(
            { child_welfare: 10, social_services: 12, outreach_youth_work: 20, substance_abuse_services: 10, mental_health_services: 10, student_welfare: 8, health_care: 5, hobby_leisure: 12, family_services: 6, victim_support: 3, mediation: 8, exit_deradicalisation: 1, other: 3 },
            1,
            2,
          ),
        }
      : {}),
    meetingParticipants: random.several({ police: 45, social_worker: 30, youth_worker: 25, nurse_health_care: 8, psychiatric_nurse: 10, school_representative: 5, guardian: 35, other: 3 }, 2, 4),
    ...(first ? { responseTimeDays: Math.min(365, Math.floor(-Math.log(1 - random.next()) * 9)) } : {}),
    workingMethods: random.several({ police_station_meeting: 50, home_visit: 10, meeting_elsewhere: 15, phone: 15, video: 3, accompanied_to_service: 5, consulted_professionals: 10 }, 1, 2),
    continuationPlan: plan,
    regretOwn: random.weighted({ yes: 50, partly: 20, no: 8, not_applicable: 15, unknown: 7 }),
    regretTeam: random.weighted({ yes: 45, partly: 25, no: 10, not_applicable: 15, unknown: 5 }),
    usefulness: random.weighted({ 1: 2, 2: 5, 3: 20, 4: 38, 5: 28, unknown: 7 } as Record<string, number>),
  }
}
