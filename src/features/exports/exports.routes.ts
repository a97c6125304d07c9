// Downloads of every report view and of the codebook: CSV (standard, or for Excel in a Finnish or
// Swedish locale), XLSX with metadata and codebook sheets, and JSON. The numbers are the page's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { tokenAccess, tokenRouteDocs } from '../api-tokens/token-access.js'
import { latestRelease } from '../publication/publication.repository.js'
import { methodOf, methodOfRelease } from '../publication/release.service.js'
import { reportQuerySchema } from '../reports/report-filters.js'
import { CODEBOOK_COLUMNS, codebookRows } from './codebook.js'
import { toCsv } from './csv.js'
import { asCells, EXPORT_COLUMNS } from './export-rows.js'
import { ExportSlots } from './export-slots.js'
import { auditExport, buildExport, type ExportBundle, type ExportView } from './exports.service.js'
import { workbookOf } from './xlsx.js'

export const EXPORT_FORMATS = ['csv', 'csv-excel', 'xlsx', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const exportQuerySchema = reportQuerySchema.extend({ format: z.enum(EXPORT_FORMATS, 'invalid_choice').optional() })
const codebookQuerySchema = z.strictObject(
  { format: z.enum(EXPORT_FORMATS, 'invalid_choice').optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_choice') },
)

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function attachment(reply: FastifyReply, fileName: string, type: string): FastifyReply {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${fileName}"`).header('cache-control', 'no-store')
}

/**
 * A CSV file has no room for a metadata sheet, so every row also says where its numbers come from:
 * the reader's own team or a release (its number and last month), and the protection's parameters.
 */
const CSV_PUBLICATION_COLUMNS = ['source', 'release', 'release_through_month', 'method_parameters'] as const

function csvPublicationCells(bundle: ExportBundle): string[] {
  const meta = new Map(bundle.metadata)
  const source = meta.get('source') ?? ''
  const parameters =
    source === 'release'
      ? `k=${meta.get('method_threshold_k')}; D=${meta.get('method_max_noise_d')}; V=${meta.get('method_noise_variance_v')}; min_forms=${meta.get('method_min_forms')}`
      : ''
  return [source, meta.get('release') ?? '', meta.get('release_through_month') ?? '', parameters]
}

/** One file name per format: the Excel flavour of a CSV says so, so the two never overwrite each other. */
function csvFileName(name: string, format: 'csv' | 'csv-excel'): string {
  return format === 'csv-excel' ? `${name}-excel.csv` : `${name}.csv`
}

async function sendBundle(reply: FastifyReply, bundle: ExportBundle, format: ExportFormat) {
  const rows = bundle.rows.map(asCells)
  const codebook = codebookRows().map((row) => CODEBOOK_COLUMNS.map((c) => row[c]))
  switch (format) {
    case 'csv':
    case 'csv-excel': {
      const publication = csvPublicationCells(bundle)
      const table = [[...EXPORT_COLUMNS, ...CSV_PUBLICATION_COLUMNS], ...rows.map((row) => [...row, ...publication])]
      return attachment(reply, csvFileName(bundle.fileName, format), 'text/csv; charset=utf-8').send(toCsv(table, format === 'csv' ? 'standard' : 'excel'))
    }
    case 'xlsx':
      return attachment(reply, `${bundle.fileName}.xlsx`, XLSX_TYPE).send(
        await workbookOf([
          { name: 'Data', columns: EXPORT_COLUMNS, rows },
          { name: 'Metadata', columns: ['key', 'value'], rows: bundle.metadata.map(([k, v]) => [k, v]) },
          { name: 'Codebook', columns: CODEBOOK_COLUMNS, rows: codebook },
        ]),
      )
    case 'json':
      return attachment(reply, `${bundle.fileName}.json`, 'application/json; charset=utf-8').send({
        metadata: Object.fromEntries(bundle.metadata),
        columns: EXPORT_COLUMNS,
        rows: bundle.rows,
      })
  }
}

export async function exportsRoutes(app: FastifyInstance): Promise<void> {
  const heavy = new ExportSlots(app.config.exports.maxConcurrent, app.config.exports.maxPerUser)
  /** XLSX is built in memory: it takes one of a few slots; the light formats stream as before. */
  const slotFor = <T>(format: ExportFormat, userId: string, work: () => Promise<T>) => (format === 'xlsx' ? heavy.run(userId, work) : work())

  const exportRoute = (view: ExportView, path: string) =>
    app.get(path, { schema: { ...tokenRouteDocs('exports', `Download the ${view} report view as CSV, CSV for Excel, XLSX or JSON (format=…), with the same filters as the report`), querystring: exportQuerySchema }, config: tokenAccess }, async (request: FastifyRequest, reply) => {
      const query = request.query as z.output<typeof exportQuerySchema>
      const format = query.format ?? 'csv'
      const { format: _, ...filters } = query
      return slotFor(format, request.actor!.userId, async () => {
        const bundle = await buildExport(app.deps, view, filters, (request.params as { questionId?: string }).questionId, request.actor!, request.lang)
        await auditExport(app.deps, request.actor!, bundle, format, request.ip)
        return sendBundle(reply, bundle, format)
      })
    })

  exportRoute('overview', '/api/v1/exports/overview')
  exportRoute('questions', '/api/v1/exports/questions/:questionId')
  exportRoute('areas', '/api/v1/exports/areas')
  exportRoute('activity', '/api/v1/exports/activity')
  exportRoute('annual', '/api/v1/exports/annual')

  app.get('/api/v1/codebook', { schema: { ...tokenRouteDocs('exports', 'The codebook: every question and code with Finnish, Swedish and English labels'), querystring: codebookQuerySchema }, config: tokenAccess }, async (request, reply) => {
    const format = (request.query as z.output<typeof codebookQuerySchema>).format ?? 'csv'
    const rows = codebookRows()
    await auditExport(app.deps, request.actor!, 'codebook', format, request.ip)
    const cells = rows.map((row) => CODEBOOK_COLUMNS.map((c) => row[c]))
    const name = 'anchor-codebook'
    // how published counts are protected: the latest release's method, or today's settings before the first
    const latest = await latestRelease(app.deps.db)
    const method = latest ? methodOfRelease(latest, app.config.publication) : methodOf(app.config.publication)
    const methodRows: [string, string][] = [
      ['method', method.name],
      ['method_threshold_k', String(method.threshold)],
      ['method_max_noise_d', String(method.maxNoise)],
      ['method_noise_variance_v', String(method.noiseVariance)],
      ['method_min_forms', String(method.minForms)],
      ['release', latest ? String(latest.id) : ''],
      ['description', 'docs/disclosure.md; /reports/about'],
    ]
    switch (format) {
      case 'csv':
      case 'csv-excel':
        return attachment(reply, csvFileName(name, format), 'text/csv; charset=utf-8').send(toCsv([[...CODEBOOK_COLUMNS], ...cells], format === 'csv' ? 'standard' : 'excel'))
      case 'xlsx':
        return slotFor(format, request.actor!.userId, async () =>
          attachment(reply, `${name}.xlsx`, XLSX_TYPE).send(
            await workbookOf([
              { name: 'Codebook', columns: CODEBOOK_COLUMNS, rows: cells },
              { name: 'Method', columns: ['key', 'value'], rows: methodRows },
            ]),
          ),
        )
      case 'json':
        return attachment(reply, `${name}.json`, 'application/json; charset=utf-8').send({ method: Object.fromEntries(methodRows), columns: CODEBOOK_COLUMNS, rows })
    }
  })
}
