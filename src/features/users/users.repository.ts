// User rows: registration, lookups for login, and the administrators' changes.
import type { Kysely, Transaction } from 'kysely'
import type { Database, NewUser, Profession, User, UserRole, UserStatus } from '../../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export async function insertUser(db: Db, user: NewUser): Promise<string> {
  const row = await db.insertInto('users').values(user).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** The account an e-mail address logs in to (a rejected registration is no account). */
export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .where('status', '<>', 'rejected')
    .executeTakeFirst()
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findUserByVirtuIdentity(db: Db, homeOrganization: string, localId: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('virtu_home_organization', '=', homeOrganization)
    .where('virtu_local_id', '=', localId)
    .where('status', '<>', 'rejected')
    .executeTakeFirst()
}

export interface UserListRow {
  id: string
  name: string
  email: string
  phone: string | null
  profession: User['profession']
  organisation: string | null
  role: UserRole
  status: UserStatus
  loginMethod: User['login_method']
  teamId: string | null
  teamName: string | null
  createdAt: Date
}

export async function listUsers(db: Db, filter: { status?: UserStatus } = {}): Promise<UserListRow[]> {
  let query = db
    .selectFrom('users as u')
    .leftJoin('teams as t', 't.id', 'u.team_id')
    .select([
      'u.id as id',
      'u.name as name',
      'u.email as email',
      'u.phone as phone',
      'u.profession as profession',
      'u.organisation as organisation',
      'u.role as role',
      'u.status as status',
      'u.login_method as loginMethod',
      'u.team_id as teamId',
      't.name as teamName',
      'u.created_at as createdAt',
    ])
  if (filter.status) query = query.where('u.status', '=', filter.status)
  else query = query.where('u.status', '<>', 'rejected')
  return query.orderBy('u.created_at', 'asc').execute()
}

/** Changes a user's status only if it is still `from`; false when someone else got there first. */
export async function setUserStatus(
  db: Db,
  id: string,
  change: { from: UserStatus[]; to: UserStatus; by: string; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ status: change.to, decided_by: change.by, decided_at: change.now, updated_at: change.now })
    .where('id', '=', id)
    .where('status', 'in', change.from)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function updateUserRoleAndTeam(
  db: Db,
  id: string,
  change: { role: UserRole; teamId: string | null; profession: Profession | null; now: Date },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ role: change.role, team_id: change.teamId, profession: change.profession, updated_at: change.now })
    .where('id', '=', id)
    .execute()
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Whether any national administrator can log in (the first-run set-up is open only while none can). */
export async function hasActiveAdmin(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').limit(1).executeTakeFirst()
  return row !== undefined
}

/** Registrations waiting for an administrator's decision. */
export async function countPendingRegistrations(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
