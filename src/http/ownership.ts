// Job-scoped endpoints on a syncer that does not own the job answer 303 See Other with
// Location http://<owner><original URI> and no body, as the Go syncer does; clients follow
// with the same method and body (curl -L --post303).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JobManager } from '../jobs/job-manager.js';

/** Resolves true when the reply was a redirect (the handler must stop). */
export async function redirectedToOwner(
  jobs: JobManager,
  name: string,
  req: FastifyRequest,
  reply: FastifyReply,
  signal: AbortSignal,
): Promise<boolean> {
  const where = await jobs.locate(name, signal);
  if (where.kind === 'local') return false;
  req.log.info({ job: name, owner: where.owner }, 'redirecting to the owning syncer');
  void reply.code(303).header('location', `http://${where.owner}${req.url}`).send();
  return true;
}
