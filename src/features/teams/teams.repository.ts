// Team rows: name, police department, wellbeing services county and the municipalities served.
import type { Kysely, Transaction } from 'kysely'
import type { Database, Team } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export async function listTeams(db: Db): Promise<Team[]> {
  return db.selectFrom('teams').selectAll().orderBy('name').execute()
}

export async function findTeam(db: Db, id: string): Promise<Team | undefined> {
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface TeamFields {
  name: string
  policeDepartment: string
  wellbeingCounty: string
  municipalities: string[]
}

export async function insertTeam(db: Db, team: TeamFields, now: Date): Promise<string> {
  const row = await db
    .insertInto('teams')
    .values({
      name: team.name,
      police_department: team.policeDepartment,
      wellbeing_county: team.wellbeingCounty,
      municipalities: team.municipalities,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateTeam(db: Db, id: string, team: TeamFields, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('teams')
    .set({
      name: team.name,
      police_department: team.policeDepartment,
      wellbeing_county: team.wellbeingCounty,
      municipalities: team.municipalities,
      updated_at: now,
    })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
