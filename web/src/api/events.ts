import type { EventTicketResponse } from '@seckill/contracts';
import { http } from './client';

/** A single-use ticket for the event stream: EventSource cannot send the Authorization header. */
export async function fetchEventTicket(): Promise<EventTicketResponse> {
  return (await http.post<EventTicketResponse>('/events/ticket')).data;
}

/** Where the stream is read: the ticket, and the sales whose stock the page shows. */
export function eventStreamUrl(ticket: string, goods: readonly number[]): string {
  const url = `/api/events?ticket=${encodeURIComponent(ticket)}`;
  return goods.length ? `${url}&goods=${goods.join(',')}` : url;
}
