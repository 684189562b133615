import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { components } from '../api/schema';

type PracticePage = components['schemas']['PracticeSearchPageDto'];

/** A practice chosen by typing part of its name (`GET /practices?q=`); the value is its id. */
export function PracticePicker({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string | null;
  onChange: (id: string | null, name: string | null) => void;
  error?: string;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const found = useQuery({
    queryKey: ['practices', q],
    enabled: q.length >= 2,
    queryFn: () => call<PracticePage>(api.GET('/api/v1/practices', { params: { query: { q, limit: 10 } } })),
    select: (p) => p.items,
  });
  const data = (found.data ?? []).map((p) => ({
    value: p.id,
    label: p.city ? `${p.name} (${p.city})` : p.name,
  }));
  return (
    <Select
      label={label}
      searchable
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id, option) => onChange(id, option?.label ?? null)}
      data={data}
      filter={({ options }) => options}
      nothingFoundMessage={
        q.length >= 2 && !found.isPending ? 'No practice matches' : 'Type two letters or more'
      }
      error={error}
    />
  );
}
