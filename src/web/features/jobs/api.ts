// Background jobs (imports, sends, exports…) and their progress.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { JobSchema } from '../../../server/modules/jobs/jobs.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Job = Shape<typeof JobSchema>;
export type JobState = Shape<typeof JobSchema>['state'];
type JobsPage = Page<'jobs', typeof JobSchema>;

/** True while a job may still move (queued or running). */
export function isActive(job: Job): boolean {
  return job.state === 'queued' || job.state === 'running';
}

export const jobsKey = ['jobs'] as const;

/** The job list, polled every second while any job is queued or running. */
export function useJobsQuery() {
  return useQuery({
    queryKey: jobsKey,
    queryFn: ({ signal }) => api.get<JobsPage>('/api/v1/jobs', undefined, signal),
    refetchInterval: (query) => (query.state.data?._embedded.jobs.some(isActive) ? 1000 : false),
  });
}

/** Starts the demonstration job (20 steps by default) and refreshes the list. */
export function useStartDemoJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (steps: number = 20) => api.post<Job>('/api/v1/jobs/demo', { steps }),
    onSuccess: (job) => {
      queryClient.setQueryData<JobsPage>(jobsKey, (old) =>
        old ? { ...old, _embedded: { jobs: [job, ...old._embedded.jobs.filter((j) => j.id !== job.id)] } } : old,
      );
      void queryClient.invalidateQueries({ queryKey: jobsKey });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}
