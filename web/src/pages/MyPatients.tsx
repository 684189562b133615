import { Anchor, Badge, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { MyPatient, Page } from '../api/types';
import { itemsOf, ListState } from '../components/Lists';
import { BASIS_LABEL, formatDate } from '../lib/format';
import { useTitle } from '../lib/useTitle';

export default function MyPatientsPage() {
  useTitle('My patients');
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q.trim(), 300);
  const patients = useQuery({
    queryKey: ['my-patients', query],
    queryFn: () =>
      call<Page<MyPatient>>(
        api.GET('/api/v1/me/patients', {
          params: { query: query ? { q: query, limit: 200 } : { limit: 200 } },
        }),
      ),
    select: itemsOf<MyPatient>,
  });
  return (
    <Stack maw={960}>
      <Title order={1}>My patients</Title>
      <TextInput
        label="Filter by MRN or name"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maw={360}
        autoComplete="off"
      />
      <ListState query={patients} what="your patients" empty="No patient to show.">
        {(items) => (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <caption className="visually-hidden">Patients you may view</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Patient</Table.Th>
                  <Table.Th scope="col">MRN</Table.Th>
                  <Table.Th scope="col">Date of birth</Table.Th>
                  <Table.Th scope="col">Access</Table.Th>
                  <Table.Th scope="col">New documents</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.patientId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/patients/${p.patientId}`}>
                        {p.lastName}, {p.firstName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{p.mrn}</Table.Td>
                    <Table.Td>{formatDate(p.dob)}</Table.Td>
                    <Table.Td>
                      {BASIS_LABEL[p.basis] ?? p.basis}
                      {p.grantExpiresAt ? ` (until ${formatDate(p.grantExpiresAt)})` : ''}
                    </Table.Td>
                    <Table.Td>{p.newDocuments > 0 ? <Badge>{p.newDocuments} new</Badge> : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </ListState>
    </Stack>
  );
}
